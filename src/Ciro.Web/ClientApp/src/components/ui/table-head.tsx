/** The header row of a plain (not TanStack) table: one column header per label, in order. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((label, i) => (
          <th key={`${i}-${label}`} scope="col">
            {label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
