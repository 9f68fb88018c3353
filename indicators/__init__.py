"""China–Russia indicators: the validated dataset, its consistency checks and exports.

Never imports streamlit: everything here is testable and usable from the CLI.
"""
