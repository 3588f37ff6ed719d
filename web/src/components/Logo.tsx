export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 64 64" className={className} aria-hidden="true">
      <rect width="64" height="64" rx="14" fill="#c2410c" />
      <path
        d="M33 10c2 9-6 13-6 21 0 3 1.5 5.5 4 6.5-1-4 1.5-7 4.5-9.5 1 6 7.5 8 7.5 15.5C43 51 38 55 32 55c-7.5 0-13-5.5-13-13.5C19 29 31 22 33 10z"
        fill="#fff"
      />
    </svg>
  );
}
