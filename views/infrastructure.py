"""Infrastructure: distances and travel times, today against the high-speed plan."""

from views._shell import render_category_page

render_category_page("infrastructure", "Infrastructure",
                     "Distances, and travel times today against the proposed high-speed railway "
                     "(ranges drawn as ranges).")
