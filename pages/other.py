"""Other figures: page counts, durations and counts the articles cite in passing."""

from pages._shell import render_category_page

render_category_page("other", "Page counts, durations and other counts the articles cite.")
