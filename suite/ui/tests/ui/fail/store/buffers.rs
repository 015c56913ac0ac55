pub fn fill() -> Vec<u8> {
    vec![0; 64]
}
