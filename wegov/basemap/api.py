from ninja import Router

router = Router(tags=["base-map problems"])
