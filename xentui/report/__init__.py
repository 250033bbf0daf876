"""`xentui report` (issue 15): a run record as an HTML page and a Markdown file with SVG plots.

No Textual; matplotlib (the ``report`` extra) is imported only when plots are drawn.
"""
