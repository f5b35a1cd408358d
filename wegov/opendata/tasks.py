from celery import shared_task


@shared_task
def export_all_datasets() -> dict:
    """Nightly (beat schedule) and on demand: every dataset's files."""
    from . import services

    return {o.slug: o.rows if o.ok else o.error for o in services.export_all()}


@shared_task
def export_dataset(slug: str) -> int | None:
    from . import services

    return services.export_dataset(slug).rows
