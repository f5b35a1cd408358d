"""The committed message catalogs (wegov/locale) are complete, well-formed and
compiled.

Each of nl, it and de: no untranslated or fuzzy entry, the same placeholders
and HTML tags in every translation as in the English text, and a .mo file that
matches its .po. And the Dutch catalog holds every string the code and the
templates mark for translation today, so a new string without a translation
fails here, not in front of a Dutch resident. That last check runs
`makemessages`, which needs GNU gettext (CI installs it); without gettext it is
skipped.

Update the catalogs with `make messages`, translate, then compile.
"""

import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command

WEGOV_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = WEGOV_DIR / "locale"
LANGUAGES = ["nl", "it", "de"]
# The same as `make messages`: what makemessages must not look at.
IGNORE_PATTERNS = ["static/*", "tests_browser/*"]

# %(name)s, %s, %d, %%, {name}: what Python fills in at run time.
PLACEHOLDER = re.compile(r"%%|%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{\w*\}")
HTML_TAG = re.compile(r"<[^>]+>")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self):
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def translations(self):
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[n] for n in sorted(self.msgstr_plural)]

    def __str__(self):
        context = f"[{self.msgctxt}] " if self.msgctxt else ""
        return f"{context}{self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def read_po(path):
    """The entries of a .po file, header first. Enough of the format for what
    makemessages and msgmerge write (no dependency on polib)."""
    entries = []
    entry, target = Entry(), None
    started = False

    def flush():
        nonlocal entry, target, started
        if started:
            entries.append(entry)
        entry, target, started = Entry(), None, False

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            started = True
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.groups()
            if keyword == "msgid" and started and target != "msgctxt":
                flush()
            started = True
            target = (keyword, int(index)) if index is not None else keyword
            if index is not None:
                entry.msgstr_plural[int(index)] = _unquote(value)
            elif keyword == "msgctxt":
                entry.msgctxt = _unquote(value)
            else:
                setattr(entry, keyword, _unquote(value))
        elif line.startswith('"') and target is not None:
            if isinstance(target, tuple):
                entry.msgstr_plural[target[1]] += _unquote(line)
            elif target == "msgctxt":
                entry.msgctxt += _unquote(line)
            else:
                setattr(entry, target, getattr(entry, target) + _unquote(line))
        else:
            raise ValueError(f"{path}: cannot read line {raw!r}")
    flush()
    return entries


def _po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def _messages(language):
    """The live (not obsolete) entries of a catalog, without the header."""
    return [e for e in read_po(_po_path(language)) if not e.obsolete and e.msgid]


def _tokens(text, pattern):
    return set(pattern.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_header(language):
    header = read_po(_po_path(language))[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert f"Language: {language}\n" in header.msgstr
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr
    assert "charset=UTF-8" in header.msgstr


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    messages = _messages(language)
    assert len(messages) > 100
    fuzzy = [str(e) for e in messages if "fuzzy" in e.flags]
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy}"
    untranslated = [
        str(e)
        for e in messages
        if not all(e.translations) or (e.msgid_plural is not None and len(e.msgstr_plural) != 2)
    ]
    assert untranslated == [], f"untranslated in {language}: {untranslated}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("pattern", "what"),
    [(PLACEHOLDER, "placeholders"), (HTML_TAG, "tags")],
    ids=["placeholders", "tags"],
)
def test_translations_keep_placeholders_and_html(language, pattern, what):
    wrong = []
    for entry in _messages(language):
        expected = _tokens(entry.msgid, pattern) | _tokens(entry.msgid_plural or "", pattern)
        found = [_tokens(text, pattern) for text in entry.translations]
        if entry.msgid_plural is None:
            ok = found[0] == expected
        else:
            # A singular form may leave out the number ("one token"); none may add any.
            ok = all(tokens <= expected for tokens in found) and set().union(*found) == expected
        if not ok:
            wrong.append(f"{entry}: {sorted(expected)} vs {[sorted(t) for t in found]}")
    assert wrong == [], f"{what} differ in {language}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_python_format_translations_have_no_stray_percent(language):
    # A lone "%" in a python-format string breaks {% blocktranslate %} at run time.
    stray = [
        str(entry)
        for entry in _messages(language)
        if "python-format" in entry.flags
        and any("%" in PLACEHOLDER.sub("", text) for text in entry.translations)
    ]
    assert stray == [], f"stray % in {language}: {stray}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_is_up_to_date(language):
    """The .mo matches the .po: run `django-admin compilemessages` in wegov/."""
    mo_path = _po_path(language).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    with mo_path.open("rb") as mo_file:
        catalog = dict(gettext.GNUTranslations(mo_file)._catalog)
    catalog.pop("", None)  # the header

    expected = {}
    for entry in _messages(language):
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr
        else:
            expected.update({(key, n): text for n, text in entry.msgstr_plural.items()})

    stale = sorted(
        repr(key)
        for key in expected.keys() | catalog.keys()
        if expected.get(key) != catalog.get(key)
    )
    assert stale == [], f"{mo_path} is out of date, run compilemessages: {stale[:20]}"


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge")),
    reason="makemessages needs GNU gettext (xgettext, msguniq, msgmerge): apt install gettext",
)
def test_dutch_catalog_has_every_translatable_string(tmp_path, monkeypatch, settings):
    """Extract the strings again into a copy of the sources, so the committed
    catalogs are never touched, and compare with the committed nl catalog."""
    sources = tmp_path / "wegov"
    shutil.copytree(
        WEGOV_DIR,
        sources,
        ignore=shutil.ignore_patterns(
            "locale", "static", "tests_browser", "__pycache__", "*.pyc", "*.mo", "*.po"
        ),
    )
    (sources / "locale").mkdir()
    settings.LOCALE_PATHS = []  # so makemessages writes to sources/locale only
    monkeypatch.chdir(sources)
    call_command(
        "makemessages",
        locale=["nl"],
        ignore_patterns=IGNORE_PATTERNS,
        no_obsolete=True,
        verbosity=0,
    )

    extracted = {e.key: e for e in read_po(sources / "locale/nl/LC_MESSAGES/django.po") if e.msgid}
    assert (None, "Page not found", None) in extracted, "extraction found nothing"
    committed = {e.key for e in _messages("nl")}
    missing = sorted(str(extracted[key]) for key in extracted.keys() - committed)
    assert missing == [], (
        "strings marked for translation but missing from wegov/locale/nl: run `make messages`, "
        "translate them for nl, it and de, and compile:\n" + "\n".join(missing)
    )
