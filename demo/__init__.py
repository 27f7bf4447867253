"""Demonstration data for `make run`: fictitious assessments in every state, built from
demo/data/demo.yaml through the product's own rule modules. No other app imports this one."""
