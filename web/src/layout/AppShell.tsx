import { LogOut, Menu, Search, UserRound } from "lucide-react";
import * as React from "react";
import { NavLink, Outlet, useMatches, useNavigate } from "react-router";
import { useAuth } from "@/auth/auth";
import { CommandPalette } from "@/components/CommandPalette";
import { MOD_KEY, ShortcutsDialog } from "@/components/ShortcutsDialog";
import { Logo } from "@/components/Logo";
import { ThemeToggle } from "@/components/ThemeToggle";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { useShortcut } from "@/lib/shortcuts";
import { cn } from "@/lib/utils";
import { visibleNav } from "@/nav";

function NavList({ onNavigate }: { onNavigate?: () => void }) {
  const { can } = useAuth();
  return (
    <ul className="grid gap-1">
      {visibleNav(can).map((item) => (
        <li key={item.to}>
          <NavLink
            to={item.to}
            end={item.to === "/"}
            onClick={onNavigate}
            className={({ isActive }) =>
              cn(
                "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors hover:bg-accent hover:text-accent-foreground",
                isActive ? "bg-accent text-accent-foreground" : "text-muted-foreground",
              )
            }
          >
            <item.icon className="size-4" aria-hidden="true" />
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

function Brand() {
  return (
    <span className="flex items-center gap-2 font-semibold">
      <Logo className="size-7" />
      <span>FireLater</span>
    </span>
  );
}

function UserMenu() {
  const { me, logout } = useAuth();
  const navigate = useNavigate();
  const name = me?.user.name ?? "Account";
  // Signing out leaves this layout: the sign-in guard sends the tab to /login.
  const onLogout = () => logout();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="gap-2 px-2" aria-label={`Account menu for ${name}`} data-testid="user-menu">
          <span className="grid size-7 place-items-center rounded-full bg-primary text-xs font-semibold text-primary-foreground">
            {initials(name)}
          </span>
          <span className="hidden max-w-40 truncate text-sm sm:inline">{name}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel>
          <div className="font-medium">{name}</div>
          <div className="text-xs text-muted-foreground">{me?.user.email}</div>
          <div className="text-xs text-muted-foreground">Tenant: {me?.tenant.name}</div>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        {me && (
          <DropdownMenuItem onSelect={() => navigate("/profile")}>
            <UserRound aria-hidden="true" /> My profile
          </DropdownMenuItem>
        )}
        <DropdownMenuItem onSelect={() => void onLogout()} data-testid="logout">
          <LogOut aria-hidden="true" /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [name[0]];
  return letters.join("").toUpperCase() || "?";
}

/** The signed-in layout: navigation, header with search, theme and user menu, and the page. */
export function AppShell() {
  const [menuOpen, setMenuOpen] = React.useState(false);
  const [paletteOpen, setPaletteOpen] = React.useState(false);
  const [shortcutsOpen, setShortcutsOpen] = React.useState(false);
  useShortcut("/", "Search", () => setPaletteOpen(true), true, "Global");
  useShortcut("?", "Show these shortcuts", () => setShortcutsOpen(true), true, "Global");
  // A page starts afresh when another page opens, but not when only its parameters change
  // (another group in the groups page keeps the tree as it was): keyed by route, not by path.
  const matches = useMatches();
  const routeId = matches[matches.length - 1]?.id;
  const mainRef = React.useRef<HTMLElement>(null);

  React.useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setPaletteOpen((o) => !o);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="min-h-dvh md:grid md:grid-cols-[15rem_1fr]">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-background focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      {/* The sidebar stays put while a long page scrolls. */}
      <aside className="hidden border-r bg-card md:sticky md:top-0 md:flex md:h-dvh md:flex-col md:gap-6 md:overflow-y-auto md:p-4">
        <Brand />
        <nav aria-label="Main">
          <NavList />
        </nav>
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-40 flex h-14 items-center gap-2 border-b bg-background/95 px-3 backdrop-blur sm:px-6">
          <Button
            variant="ghost"
            size="icon"
            className="md:hidden"
            onClick={() => setMenuOpen(true)}
            aria-label="Open navigation"
          >
            <Menu aria-hidden="true" />
          </Button>
          <span className="md:hidden">
            <Brand />
          </span>
          <div className="flex-1" />
          <Button
            variant="outline"
            className="h-9 justify-start gap-2 text-muted-foreground sm:w-56"
            onClick={() => setPaletteOpen(true)}
            aria-label={`Search and jump (${MOD_KEY}+K)`}
            data-testid="open-palette"
          >
            <Search aria-hidden="true" />
            <span className="hidden sm:inline">Search…</span>
            <kbd className="ml-auto hidden rounded border px-1.5 text-[10px] font-medium sm:inline">{MOD_KEY} K</kbd>
          </Button>
          <ThemeToggle />
          <UserMenu />
        </header>
        <main id="main" ref={mainRef} tabIndex={-1} className="min-w-0 flex-1 p-4 outline-none sm:p-6" key={routeId}>
          <Outlet />
        </main>
      </div>
      <Dialog open={menuOpen} onOpenChange={setMenuOpen}>
        <DialogContent side="left" aria-describedby={undefined}>
          <DialogTitle className="sr-only">Navigation</DialogTitle>
          <DialogDescription className="sr-only">Pages of FireLater</DialogDescription>
          <Brand />
          <nav aria-label="Main">
            <NavList onNavigate={() => setMenuOpen(false)} />
          </nav>
        </DialogContent>
      </Dialog>
      <CommandPalette
        open={paletteOpen}
        onOpenChange={setPaletteOpen}
        onShowShortcuts={() => setShortcutsOpen(true)}
      />
      <ShortcutsDialog open={shortcutsOpen} onOpenChange={setShortcutsOpen} />
    </div>
  );
}
