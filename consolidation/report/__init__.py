"""Everything a run writes besides the plan itself: tables, maps, HTML pages and the folder writer."""
