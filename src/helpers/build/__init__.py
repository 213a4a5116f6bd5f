"""Build the Sozialbericht book (HTML, DOCX, PDF): ``python -m helpers.build``.

With ``quarto`` on PATH the build runs ``quarto render`` (notebooks are executed by the
pre-render step ``helpers.execute``). Without Quarto it renders the same sources itself:

1. ``config``     read ``_quarto.yml`` (title, parts, chapters, appendices)
2. ``pipeline``   check the data (``helpers.daten``), write downloads
3. ``notebooks``  execute every embedded notebook in a fresh kernel (nbclient)
4. ``embed``      replace ``{{< embed nb.ipynb#label >}}`` with the cell's output
5. ``crossref``   number chapters, sections, figures, tables; German references
6. ``html``, ``docx``, ``typst``  write the three formats (pandoc, typst)

Everything is written into a temporary folder that replaces ``_book/`` only when every
format succeeded.
"""
