"""Headline cards and tables: every source's figure shown, never two entities mixed."""

from indicators.checks import run_checks
from indicators.summaries import filter_observations, headlines, md, observations_table, source_table

from .conftest import indicator, make_dataset, obs


def test_a_headline_shows_every_source_and_never_mixes_entities(tmp_path):
    rows = [obs("x", "69", source_id="a"), obs("y", "64", source_id="b"),
            obs("u", "5000", indicator_id="recruits", entity="Uzbekistan", qualifier="more_than"),
            obs("k", "1000", indicator_id="recruits", entity="Kazakhstan", qualifier="approx")]
    ds = make_dataset(tmp_path, rows, indicators=[indicator("trade"), indicator("recruits", "count", name="Recruits")])
    cards = {c.label: c for c in headlines(ds, run_checks(ds))}
    trade = cards["Trade: China–Russia (2015)"]
    assert trade.values == ["$69bn", "$64bn"] and trade.conflict and trade.flag_titles
    assert cards["Recruits: Uzbekistan (2015)"].values == [">5,000"]
    assert cards["Recruits: Kazakhstan (2015)"].values == ["≈1,000"] and not cards["Recruits: Kazakhstan (2015)"].conflict


def test_markdown_escaping_keeps_dollars_and_links_literal():
    assert md("$95 billion and $69 billion") == r"\$95 billion and \$69 billion"
    assert md("[click](javascript:alert(1))") == r"\[click\]\(javascript\:alert\(1\)\)"


def test_tables_count_figures_and_filter_by_text(tmp_path):
    ds = make_dataset(tmp_path, [obs("x", "69", source_id="a", quote="trade was sixty-nine"),
                                 obs("y", "64", source_id="b")])
    result = run_checks(ds)
    sources = source_table(ds, result).set_index("source_id")
    assert sources.loc["a", "figures"] == 1 and sources.loc["a", "flags"] == 1 and sources.loc["c", "figures"] == 0
    table = observations_table(ds, result)
    assert list(filter_observations(table, text="SIXTY")["obs_id"]) == ["x"]
    assert "[conflict]" in table.set_index("obs_id").loc["x", "flags"]
