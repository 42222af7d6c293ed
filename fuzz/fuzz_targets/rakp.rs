//! Fuzz target `rakp`: see [`ipmi_proto_fuzz::rakp`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::rakp(data));
