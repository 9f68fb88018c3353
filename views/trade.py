"""Trade & energy: bilateral trade with its target and implied values, crude, shares, revenues."""

from views._shell import render_category_page

render_category_page("trade", "Trade & energy",
                     "China–Russia trade by year and by source, with the $100bn target and the values "
                     "implied by stated changes; crude oil volumes; Europe's and China's shares of Russian trade; "
                     "revenue dependence on oil and gas.")
