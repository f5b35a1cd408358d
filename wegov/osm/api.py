from ninja import Router

router = Router(tags=["OpenStreetMap index"])
