"""Councils (地域協働体) and their ground: districts and population, civic centres, member
organisations, the stage history with the table of which stage may follow which, and
secretary accounts. ``selectors.council_stage_on`` answers "a council's stage on a
day"; ``services`` records every change, ``resources`` the imports.
"""
