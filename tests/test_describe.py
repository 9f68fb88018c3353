"""Every chart described in words: what a screen reader, a slide's alt text and an exported image say."""

from __future__ import annotations

import io
import xml.dom.minidom

import pytest
from PIL import Image

from indicators.charts import build_figure, chart_specs
from indicators.checks import run_checks
from indicators.describe import chart_description, chart_facts
from indicators.export import figure_bytes, image_support
from indicators.render import png_with_text, svg_with_text

from .conftest import make_dataset, obs


@pytest.fixture(scope="module")
def checked(real):
    return real.dataset, run_checks(real.dataset)


def test_the_trade_chart_in_words(checked):
    text = chart_description(*checked, "china-russia-trade")
    assert text.startswith("What is measured: China–Russia bilateral trade, in US$ billion.")  # the title is its name
    assert "China’s statistics (IMF DOTS) run from 1992 to 2020 (29 values)" in text
    assert "Liu Fenghua: $69bn for China–Russia, 2015, which is close to China’s statistics ($67.95bn)" in text
    assert "Liu Changmin: $64bn for China–Russia, 2015, which matches Russia’s statistics ($63.55bn)" in text
    assert "the target $100bn for China–Russia, 2015, which was missed (China $67.95bn, Russia $63.55bn)" in text
    # the largest gap among claims of fact (a target missed is not a claim of fact)
    assert text.endswith("The largest gap between a claim of fact and the statistics: China’s $67.95bn for 2015 lies "
                         "$0.55bn outside what Liu Fenghua’s $69bn allows.")


def test_the_largest_gap_is_said_in_the_claims_own_terms(checked):
    crude = chart_description(*checked, "russia-china-crude-exports")
    assert ("The largest gap between a claim of fact and the statistics: China’s 42.43 million tonnes for 2015 lies 4.80 million tonnes outside what Zhao "
            "Mingwen’s 37.63 million tonnes allows.") in crude
    europe = chart_description(*checked, "russia-europe-trade")
    assert "Russia’s −37.5% for 2015 lies 2.0 percentage points outside what Chen Yu’s 40% decrease allows" in europe


def test_a_joint_claim_is_said_once_with_who_the_leaders_were(checked):
    text = chart_description(*checked, "russian-arms-importer-rank")
    assert ("The claim: Liu Fei: Vietnam and Venezuela are the two largest, 2015, which does not match SIPRI’s "
            "statistics for 2011–2015: the two largest were India and Vietnam; Venezuela was 6th.") in text


def test_a_ranking_is_said_by_its_first_places_and_the_claims_entity(checked):
    text = chart_description(*checked, "china-trade-partner-rank-ranking")
    assert "The ranking by China (IMF DOTS) for 2015: 1st United States ($555.65bn), 2nd Hong Kong" in text
    assert "; Russia is 16th." in text
    assert "Liu Fenghua: Russia among the top 10, 2015, which does not match China’s statistics (16th)" in text


def test_estimates_are_said_as_estimates_with_their_dates_and_unjudged_claims_as_such(checked):
    text = chart_description(*checked, "isis-recruits")
    assert ("ICSR’s estimates (not statistics) for Kazakhstan run from 17 December 2013 to 26 January 2015 "
            "(2 values)") in text
    assert "14–150 on 17 December 2013" in text
    assert "Tajik government: 400 for Tajikistan, 2015 (no statistics here test it)" in text


def test_every_chart_has_a_description_naming_its_title_and_every_claim(checked):
    dataset, result = checked
    for spec in chart_specs(dataset):
        facts = chart_facts(dataset, result, spec.id)
        text = chart_description(dataset, result, spec.id)
        assert text.startswith("What is measured: ")
        claims = [o for o in dataset.observation_rows if o.indicator_id == spec.indicator_id]
        joint = {id(j) for o in claims if (j := result.judgement(o.obs_id)) is not None and j.joint}
        joined = sum(1 for o in claims if (j := result.judgement(o.obs_id)) is not None and j.joint)
        assert len(facts.claims) == len(claims) - joined + len(joint)  # a joint claim is said once
        assert "\n" not in text and "<" not in text


def test_dates_are_said_in_words_and_a_best_rank_held_for_years_says_so(checked):
    exercise = chart_description(*checked, "exercise-troops")
    assert "Zhang Lue and Luo Hu: 80 for Cooperation 2016, July 2016" in exercise
    rank = chart_description(*checked, "russia-trade-partner-rank")
    assert "run from 1992 to 2020 (29 values): 3rd in 1992, 1st in 2020, best 1st in 12 years, first in 2009." in rank


def test_a_chart_without_statistics_says_so(tmp_path):
    dataset = make_dataset(tmp_path, [obs("o1", "69", source_id="a")])
    text = chart_description(dataset, run_checks(dataset), "trade")
    assert text == ("What is measured: Trade, in US$ billion. The claim: Author A: $69bn for "
                    "China–Russia, 2015 (no statistics here test it).")


def test_svg_and_png_carry_the_description_as_their_text_alternative():
    svg = b'<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g/></svg>'
    out = svg_with_text(svg, "A & B", "Chart: <x> \x07")
    doc = xml.dom.minidom.parseString(out)
    root = doc.documentElement
    assert root.getAttribute("role") == "img" and root.getAttribute("aria-labelledby") == "chart-title chart-desc"
    assert root.firstChild.tagName == "title" and root.firstChild.firstChild.data == "A & B"
    assert root.childNodes[1].firstChild.data == "Chart: <x> \\u0007"
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(png, "PNG")
    image = Image.open(io.BytesIO(png_with_text(png.getvalue(), {"Title": "T", "Description": "Chart – in words"})))
    image.load()
    assert image.text == {"Title": "T", "Description": "Chart – in words"}


@pytest.mark.skipif(image_support() is not None, reason=str(image_support()))
def test_exported_images_say_the_chart_in_words(checked):
    dataset, result = checked
    fig = build_figure(dataset, result, "russia-china-crude-exports")
    described = chart_description(dataset, result, "russia-china-crude-exports")
    svg = figure_bytes(fig, "svg", description=described).decode()
    assert '<title id="chart-title">Russian crude oil exports to China</title>' in svg
    assert "lies 4.80 million tonnes outside" in svg
    image = Image.open(io.BytesIO(figure_bytes(fig, "png", description=described)))
    image.load()
    assert image.text["Description"] == described and image.size[0] == 1600
