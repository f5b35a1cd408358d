"""What the test suite needs around the tests themselves (never imported by the site).

- ``template_db``: one migrated template database per migration state, cloned per worker;
- ``clock``: every test starts at one chosen moment (``WEGOV_TEST_CLOCK``);
- ``ordering``: browser tests first, so both xdist workers share them.

docs/testing.md says why each exists and what it saved.
"""
