"""Models of the diagnostic app: scenarios and housing projects."""
