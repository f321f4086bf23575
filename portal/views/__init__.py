"""The secretary portal's pages, one module per part: home, plans, subsidies."""
