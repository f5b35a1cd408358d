from wegov.core import registry

from .models import User


def public_profile(public_id) -> User | None:
    return User.objects.filter(public_id=public_id, erased_at__isnull=True).first()


def public_contributions(user: User):
    """Public contributions of a user, each as a registry presentation."""
    items = []
    for kind, objects in registry.contributions_by(user):
        for obj in objects:
            presentation = kind.present(obj)
            if presentation.public:
                items.append((kind, presentation))
    return items
