//! Multi-instance federation harness for Trellis.
