//! Sans-IO core of the HAN consumer interface (IF_GW_CON).
