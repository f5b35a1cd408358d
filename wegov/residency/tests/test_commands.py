import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wegov.residency import hashing, services
from wegov.residency.models import CensusList, Residence


def hash_file(tmp_path, body: str):
    src = tmp_path / "plain.csv"
    src.write_text(body, encoding="utf-8")
    out = tmp_path / "hashed.csv"
    return src, out


def test_hash_then_import_then_verify(tmp_path, city, citizen):
    src, out = hash_file(
        tmp_path,
        "identifier,birth_date,district\nAB-123.456,1980-02-29,centrum\nCD 9,2001-12-01,centrum\n",
    )
    call_command("residency_hash_census", str(src), str(out), stdout=StringIO())
    text = out.read_text()
    lines = text.splitlines()
    assert lines[0] == "identifier_hash,district_slug"
    assert lines[1] == f"{hashing.census_hash('AB123456', dt.date(1980, 2, 29))},centrum"
    assert "AB" not in text and "1980" not in text
    stdout = StringIO()
    call_command(
        "residency_import_census", str(out), "--name", "Nov", stdout=stdout, stderr=StringIO()
    )
    census_list = CensusList.objects.get()
    assert stdout.getvalue().strip() == str(census_list.pk)
    assert census_list.entry_count == 2 and census_list.uploaded_by is None
    services.census_verify(actor=citizen, identifier="ab123456", birth_date=dt.date(1980, 2, 29))
    assert Residence.objects.get(user=citizen).district == city


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("id,dob,district\n", "header"),
        (
            "identifier,birth_date,district\nAB1,29-02-1980,centrum\n",
            "line 2: birth date must be YYYY-MM-DD",
        ),
        ("identifier,birth_date,district\n,1980-02-29,centrum\n", "line 2: empty identifier"),
        (
            "identifier,birth_date,district\nAB1,1980-02-29,centrum\nab-1,1980-02-29,centrum\n",
            "line 3: the same person as line 2",
        ),
        ("identifier,birth_date,district\nAB1,1980-02-29\n", "line 2: expected 3 columns"),
        (
            "identifier,birth_date,district\nAB1,1980-02-29,Bad Slug!\n",
            "line 2: district must be a slug",
        ),
        ("identifier,birth_date,district\n", "no rows"),
    ],
)
def test_hash_census_refuses_bad_input_and_writes_nothing(tmp_path, body, message):
    src, out = hash_file(tmp_path, body)
    with pytest.raises(CommandError, match=message) as exc:
        call_command("residency_hash_census", str(src), str(out))
    assert not out.exists()
    assert "AB1" not in str(exc.value)


def test_hash_census_does_not_overwrite(tmp_path):
    src, out = hash_file(tmp_path, "identifier,birth_date,district\nAB1,1980-02-29,centrum\n")
    out.write_text("keep")
    with pytest.raises(CommandError, match="exists"):
        call_command("residency_hash_census", str(src), str(out))
    call_command("residency_hash_census", str(src), str(out), "--force", stdout=StringIO())
    assert out.read_text().startswith("identifier_hash,")


def test_hash_census_uses_the_configured_key(tmp_path, settings):
    settings.WEGOV_RESIDENCY_CENSUS_KEY = "shared-secret"
    src, out = hash_file(tmp_path, "identifier,birth_date,district\nAB1,1980-02-29,centrum\n")
    call_command("residency_hash_census", str(src), str(out), stdout=StringIO())
    digest = hashing.census_hash("AB1", dt.date(1980, 2, 29), key="shared-secret")
    assert out.read_text().splitlines()[1] == f"{digest},centrum"


def test_import_census_errors(tmp_path, city):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"identifier_hash,district_slug\n{'a' * 64},atlantis\n")
    with pytest.raises(CommandError, match="unknown district"):
        call_command("residency_import_census", str(bad))
    with pytest.raises(CommandError, match="Unknown district"):
        call_command("residency_import_census", str(bad), "--district", "nowhere")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("residency_import_census", str(tmp_path / "missing.csv"))
    assert not CensusList.objects.exists()


def test_import_census_scoped(tmp_path, city):
    good = tmp_path / "good.csv"
    good.write_text(f"identifier_hash,district_slug\n{'a' * 64},centrum\n")
    call_command(
        "residency_import_census",
        str(good),
        "--district",
        "centrum",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert CensusList.objects.get().district == city
