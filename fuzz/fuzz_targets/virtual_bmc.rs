//! Fuzz target `virtual_bmc`: see [`ipmi_proto_fuzz::virtual_bmc`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ipmi_proto_fuzz::virtual_bmc(data));
