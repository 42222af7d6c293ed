//! Fuzz target `fru`: see [`ipmi_proto_fuzz::fru`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::fru(data));
