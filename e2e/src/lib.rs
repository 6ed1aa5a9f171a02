//! Smoke tests live in tests/.
