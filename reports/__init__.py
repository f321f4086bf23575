"""What citizens read: the public pages (one view class gives HTML, PDF, CSV and JSON), open
data (360Giving, the 公共施設一覧 columns), the anonymous page cache, cleared when
``core.signals.public_content_changed`` fires or a council, civic centre or member
organisation is saved, and the whole-city PDF report rendered in the background.
"""
