"""Other figures: page counts, durations and counts the articles cite in passing."""

from views._shell import render_category_page

render_category_page("other", "Other figures",
                     "Page counts, durations and other counts the articles cite.")
