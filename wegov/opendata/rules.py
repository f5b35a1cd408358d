import rules

from wegov.accounts.rules import is_administrator, is_staff_member

# Regenerating the files costs a database scan per dataset: staff (members of
# an organisation) and administrators may ask for it; everyone may download.
rules.add_perm("opendata.regenerate", is_staff_member | is_administrator)
# The licence, publisher and contact point are the administration's decision.
rules.add_perm("opendata.manage_settings", is_administrator)
