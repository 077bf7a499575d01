"""The records a TntConnect or TntDataSync import brings after its contacts: the steps and their writers."""
