"""Who may do what with places."""

import rules

from wegov.accounts.rules import is_citizen

# Saving areas of interest: any signed-in person (each only their own: the
# selectors fetch by owner, so someone else's area is a 404).
rules.add_perm("places.manage_areas_of_interest", is_citizen)
