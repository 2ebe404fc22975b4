// Placeholder until written.
export function ExportPanel() {
  return null;
}
