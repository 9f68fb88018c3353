"""A plotly figure drawn in the page by plotly.js's basic bundle (scatter, bar, pie), served from `static/`.

Why not `st.plotly_chart`: Streamlit's chart component carries the whole of plotly.js (4.7 MB, every
trace type down to maps and 3-D), and evaluating it took ~600 ms of the browser's main thread on every
fresh load of a chart page, after the page's own elements, before the chart could be drawn
(benchmarks/page_speed.py). The dashboard draws only scatter and bar traces; the basic bundle of the
same plotly.js release that the Python package carries (and exports draw with) evaluates in ~150 ms.
A chart page now draws its chart sooner than a bare one-chart `st.plotly_chart` page.

The bundle is fetched once per browser page, by the first chart, from Streamlit's static file serving
(`server.enableStaticServing`; `scripts/vendor-plotly.sh` refreshes it when plotly is upgraded). A
figure with any other trace type, or a missing bundle, is drawn by `st.plotly_chart` as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from plotly.offline import get_plotlyjs_version

from indicators.charts import plain
from indicators.text import md
from indicators.render import export_height

ROOT = Path(__file__).resolve().parent.parent
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})  # what plotly.js's basic bundle draws
CHART_CLASS = "indicators-chart"  # the element a figure is drawn in (tests and benchmarks find charts by it)
DESCRIBED = "Described in words"  # the expander under a chart holding its description


def bundle_name(version: str | None = None) -> str:
    """The basic bundle's file name for the plotly.js release the Python package carries."""
    return f"plotly-basic-{version or get_plotlyjs_version()}.min.js"


def bundle_path() -> Path:
    return ROOT / "static" / bundle_name()


def drawn_by_basic_bundle(fig: go.Figure) -> bool:
    return all((trace.type or "scatter") in BASIC_TRACES for trace in fig.data)


# Runs in the page. Streamlit calls it on mount and again whenever the figure changes (same element),
# and its returned cleanup only on unmount. plotly.js arrives as a classic script (a UMD bundle that
# sets window.Plotly), loaded once per page by whichever chart mounts first.
_JS = """
export default function ({ parentElement, data }) {
  let el = parentElement.querySelector('.%(cls)s');
  if (!el) {
    el = document.createElement('div');
    el.className = '%(cls)s';
    el.style.background = '#fff';  // also behind the figure when it is shown full screen
    parentElement.appendChild(el);
  }
  el.style.minHeight = data.height + 'px';  // the figure's room, kept before it is drawn: the page does not jump
  // To assistive technology: a figure named by the chart's title, holding the modebar's buttons and one
  // image, the plot (WAI's complex images: a short text alternative, the title, and a long description in
  // words, aria-describedby). Without it plotly's SVG is hundreds of unnamed shapes and loose numbers.
  // Not role=img on the whole element: the modebar's buttons would be hidden inside an image.
  el.setAttribute('role', 'figure');
  el.setAttribute('aria-label', data.label);
  let words = parentElement.querySelector('.%(cls)s-description');
  if (data.description) {
    if (!words) {
      words = document.createElement('p');
      words.className = '%(cls)s-description';
      words.id = 'indicators-chart-description-' + Math.random().toString(36).slice(2);
      words.hidden = true;  // read by aria-describedby; the page shows the same words under the chart
      parentElement.appendChild(words);
    }
    words.textContent = data.description;  // text, never markup
  } else if (words) {
    words.remove();
    words = null;
  }
  // After each drawing: plotly's first SVG (axes, traces) is the image; its top layer (title, legend, notes,
  // hover labels) is part of that image, said by the name and the description, so hidden from the tree.
  const describe = () => el.querySelectorAll('svg.main-svg').forEach((svg, i) => {
    if (i === 0) {
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', data.label);
      if (words) svg.setAttribute('aria-describedby', words.id); else svg.removeAttribute('aria-describedby');
    } else {
      svg.setAttribute('aria-hidden', 'true');
    }
  });
  const root = (window.__streamlit && window.__streamlit.BACKEND_BASE_URL) || document.baseURI;
  const src = new URL(data.src, root).href;
  const loading = window.__indicatorsPlotly || (window.__indicatorsPlotly = new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error('no Plotly in ' + src)));
    script.onerror = () => { window.__indicatorsPlotly = undefined; reject(new Error('could not load ' + src)); };
    document.head.appendChild(script);
  }));
  el.__height = data.height;
  // Full screen, as st.plotly_chart's toolbar offered: the figure fills the screen while it is shown so.
  const fullscreen = {
    name: 'fullscreen', title: 'View full screen',
    icon: {width: 24, height: 24, path: 'M3 3h7v2H5v5H3V3zm11 0h7v7h-2V5h-5V3zM3 14h2v5h5v2H3v-7zm16 0h2v7h-7v-2h5v-5z'},
    click: () => (document.fullscreenElement ? document.exitFullscreen() : el.requestFullscreen()),
  };
  const config = Object.assign({}, data.config, {modeBarButtonsToAdd: [fullscreen]});
  loading
    .then((Plotly) => Plotly.react(el, data.figure.data, data.figure.layout, config).then(() => {
      describe();
      el.onfullscreenchange = () => {
        const full = document.fullscreenElement === el;
        Plotly.relayout(el, full ? {width: window.innerWidth, height: window.innerHeight}
                                 : {width: null, height: el.__height, autosize: true});
      };
      el.__width = el.clientWidth;
      if (!el.__resize) {  // the figure follows its column's width (window resize, sidebar shown or hidden)
        let frame = 0;
        el.__resize = new ResizeObserver(() => {
          if (el.clientWidth === el.__width) return;  // as drawn (the observer's first call): no redraw
          cancelAnimationFrame(frame);
          frame = requestAnimationFrame(() => {
            el.__width = el.clientWidth;
            if (el.isConnected) Plotly.Plots.resize(el);
          });
        });
        el.__resize.observe(el);
      }
    }))
    .catch((error) => { el.textContent = 'The chart could not be drawn: ' + error.message; });
  return () => {
    if (el.__resize) el.__resize.disconnect();
    if (window.Plotly) window.Plotly.purge(el);
  };
}
""" % {"cls": CHART_CLASS}

_component = st.components.v2.component("indicators_chart", js=_JS, isolate_styles=False)


def draw_figure(fig: go.Figure, key: str, config: dict, description: str = "") -> None:
    """The figure in the page, interactive (hover, zoom, the modebar's PNG with `config`'s options, at the
    height the PNG download has: a tall figure's footnote does not squeeze its plot).

    To assistive technology the chart is a figure named by its title, holding the modebar's buttons and the
    plot as one image (`role="img"`) named by the title and described by `description` (`aria-describedby`,
    plain text); the same words are under the chart for everyone, in a collapsed "Described in words"
    expander (reachable by keyboard). `st.plotly_chart` (the fallback) gets the expander only."""
    if "toImageButtonOptions" in config:
        config = {**config, "toImageButtonOptions": {**config["toImageButtonOptions"],
                                                     "height": export_height(fig.layout.height)}}
    if not drawn_by_basic_bundle(fig) or not bundle_path().is_file():
        st.plotly_chart(fig, theme=None, config=config, key=key)
    else:
        _component(key=key, data={
            "figure": json.loads(pio.to_json(fig, validate=False)),
            "config": config,
            "src": f"app/static/{bundle_name()}",
            "height": fig.layout.height or 450,
            "label": plain(fig.layout.title.text) or "chart",
            "description": description,
        })
    if description:
        with st.expander(DESCRIBED):
            st.markdown(md(description))
