//! Fuzz target `sel`: see [`ipmi_proto_fuzz::sel`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::sel(data));
