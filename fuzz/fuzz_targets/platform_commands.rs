//! Fuzz target `platform_commands`: see [`ipmi_proto_fuzz::platform_commands`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::platform_commands(data));
