"""Staffing: city staff and their liaison assignments to councils (地域担当職員, 異動 in one
step), and the councils' secretariat employees with their labour cost (``costs``, pure
functions), which the activity subsidy reads.
"""
