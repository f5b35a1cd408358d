"""The demo's map index: the contributions loaded before are indexed as they
were saved; a rebuild makes sure nothing was missed (e.g. rows written with
update())."""

from . import services


def load(demo) -> None:
    counts = services.rebuild()
    demo.say("  map index: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
