"""Military & arms: arms-export shares and ranks, troops, commands and other military figures."""

from views._shell import render_category_page

render_category_page("military", "Military & arms",
                     "Arms-export shares and ranks, troops in exercises, and the other military figures.")
