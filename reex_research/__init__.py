"""reex_research: turn a folder of rare-earth news articles into tidy, evidence-linked dataframes."""
