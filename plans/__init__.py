"""Plans: the city's promotion plan and each council's community plan (one shape, with
versions), progress entries period by period and their review by the city, the status
vocabularies, indicators and the roll-up. ``services`` holds both lifecycle tables and
every change, ``selectors`` the public and admin queries, ``resources`` imports and exports.
"""
