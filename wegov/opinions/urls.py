"""/conversations/: each section of this list belongs to one views module."""

app_name = "opinions"

urlpatterns = [
    # views_participate: taking part
    # views_results: results, opinion map, report, Pol.is export
    # views_manage: organisers
]
