// Placeholder until written.
export function InsideNetwork() {
  return null;
}
