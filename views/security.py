"""Security & counter-terrorism: ISIS recruits, arrests and attacks, SCO membership, exercises."""

from views._shell import render_category_page

render_category_page("security", "Security & counter-terrorism",
                     "ISIS recruits and deaths by country (bounds and approximations drawn as such), "
                     "arrests and attacks, SCO membership and the counter-terrorism exercises.")
