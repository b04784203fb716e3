import pycountry
import pytest

from consult import geo

EXPECTED = {
    "CN": ("east_asia_pacific", "upper_middle"),
    "KE": ("sub_saharan_africa", "lower_middle"),
    "DE": ("europe_central_asia", "high"),
    "US": ("north_america", "high"),
    "IN": ("south_asia", "lower_middle"),
    "BR": ("latin_america_caribbean", "upper_middle"),
    "EG": ("middle_east_north_africa", "lower_middle"),
    "ET": ("sub_saharan_africa", "low"),
}


def test_table_has_at_least_200_rows():
    assert len(geo.country_choices()) >= 200


def test_every_row_is_a_pycountry_country():
    for code, name in geo.country_choices():
        country = pycountry.countries.get(alpha_2=code)
        assert country is not None, code
        assert code == code.upper()
        assert name


def test_every_region_and_income_group_appears():
    codes = [code for code, _ in geo.country_choices()]
    assert {geo.region_of(c) for c in codes} == {slug for slug, _ in geo.REGIONS}
    incomes = {geo.income_group_of(c) for c in codes} - {None}
    assert incomes == {slug for slug, _ in geo.INCOME_GROUPS}


@pytest.mark.parametrize(("code", "expected"), EXPECTED.items())
def test_known_classifications(code, expected):
    assert (geo.region_of(code), geo.income_group_of(code)) == expected


def test_input_is_case_insensitive_and_output_canonical():
    assert geo.is_known_country("cn")
    assert geo.canonical_country(" cn ") == "CN"
    assert geo.region_of("ke") == "sub_saharan_africa"
    assert geo.country_name("de") == "Germany"


@pytest.mark.parametrize("code", ["ZZ", "XK", "AQ", "", "CHN", None, 42])
def test_unknown_codes_give_none(code):
    assert geo.country_name(code) is None
    assert geo.region_of(code) is None
    assert geo.income_group_of(code) is None
    assert geo.global_south(code) is None
    assert geo.canonical_country(code) is None
    assert not geo.is_known_country(code)


def test_global_south_follows_income():
    assert geo.global_south("KE") is True
    assert geo.global_south("CN") is True
    assert geo.global_south("AF") is True
    assert geo.global_south("DE") is False
    assert geo.global_south("US") is False


def test_unclassified_venezuela_has_region_but_no_income_group():
    assert geo.region_of("VE") == "latin_america_caribbean"
    assert geo.income_group_of("VE") is None
    assert geo.global_south("VE") is None


def test_choices_sorted_by_name_and_unique():
    choices = geo.country_choices()
    names = [name for _, name in choices]
    assert len({code for code, _ in choices}) == len(choices)
    assert names.index("Côte d'Ivoire") < names.index("Croatia")
    assert names[0] == "Afghanistan"
    assert names[-1] == "Zimbabwe"


def test_choices_is_a_fresh_list():
    geo.country_choices().clear()
    assert geo.country_choices()


def test_names_of_regions_and_income_groups():
    assert geo.region_name("south_asia") == "South Asia"
    assert geo.income_group_name("lower_middle") == "Lower-middle income"
    assert geo.region_name("nowhere") is None


@pytest.mark.parametrize(
    ("language", "code", "name"),
    [("zh", "CN", "中国"), ("zh", "DE", "德国"), ("ar", "EG", "مصر"), ("fr", "DE", "Allemagne"),
     ("ru", "KE", "Кения"), ("es", "US", "Estados Unidos"), ("en", "KR", "South Korea")],
)  # fmt: skip
def test_country_names_come_from_cldr_in_the_readers_language(language, code, name):
    assert geo.country_name(code, language) == name
    assert (code, name) in geo.country_choices(language)


def test_english_names_stay_pycountrys_and_an_unknown_language_falls_back_to_them():
    assert geo.country_name("BO") == "Bolivia"
    assert geo.country_name("BO", "xx") == "Bolivia"
    assert geo.country_choices("xx") == geo.country_choices()


@pytest.mark.parametrize("language", ["ar", "zh", "fr", "ru", "es"])
def test_localised_choices_cover_the_same_countries_sorted_by_their_names(language):
    choices = geo.country_choices(language)
    assert {c for c, _ in choices} == {c for c, _ in geo.country_choices()}
    assert all(name for _, name in choices)
    keys = [geo._sort_key(name) for _, name in choices]
    assert keys == sorted(keys)


def test_accented_names_sort_with_their_letter():
    names = [name for _, name in geo.country_choices("fr")]
    assert names.index("Égypte") < names.index("Érythrée") < names.index("Espagne")
    assert names.index("Égypte") > names.index("Danemark")
