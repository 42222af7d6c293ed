//! Fuzz target `commands`: see [`ipmi_proto_fuzz::commands`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::commands(data));
