#!/bin/sh
# Put Facteur in the desktop's menu for the current user — desktop entry, icons, AppStream metainfo under
# $XDG_DATA_HOME (default ~/.local/share) — or take it out again with --uninstall.
#
# Works from two places: inside an unpacked bundle (beside the `facteur` program, where packaging/facteur.spec
# copies it), where the entry starts that program; and as packaging/install.sh in a source checkout, where the
# entry starts the checkout's virtualenv.
set -eu

APP_ID=app.facteur.Facteur

usage() {
    cat <<EOF
Usage: $0 [--exec PROGRAM] [--uninstall]

Installs Facteur's menu entry, icons and metainfo for the current user under
\$XDG_DATA_HOME (default ~/.local/share), so Facteur starts from the desktop's
menu and can open mailto: links and .eml files.

  --exec PROGRAM  the program the menu entry starts (an absolute path);
                  default: the bundle's facteur, or the checkout's .venv
  --uninstall     remove what this script installed
  -h, --help      show this help
EOF
}

fail() {
    echo "install.sh: $*" >&2
    exit 1
}

action=install
program=""
while [ $# -gt 0 ]; do
    case "$1" in
        --uninstall) action=uninstall ;;
        --exec) [ $# -ge 2 ] || fail "--exec needs a program"; program=$2; shift ;;
        --exec=*) program=${1#--exec=} ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done

# The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
data_home=${XDG_DATA_HOME:-}
case "$data_home" in
    /*) ;;
    *) data_home="$HOME/.local/share" ;;
esac
applications="$data_home/applications"
hicolor="$data_home/icons/hicolor"
metainfo="$data_home/metainfo"

here=$(cd "$(dirname "$0")" && pwd -P)
if [ -d "$here/_internal/resources" ]; then
    resources="$here/_internal/resources"
    default_program="$here/facteur"
    module_args=""
elif [ -d "$here/../resources" ] && [ -d "$here/../gui" ]; then
    root=$(cd "$here/.." && pwd -P)
    resources="$root/resources"
    if [ -x "$root/.venv/bin/facteur" ]; then
        default_program="$root/.venv/bin/facteur"
        module_args=""
    else
        # Before the `facteur` script exists (an older install of the project), run the package itself.
        default_program="$root/.venv/bin/python"
        module_args=" -m gui"
    fi
else
    fail "cannot find Facteur's resources next to $here"
fi

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$applications" 2>/dev/null || true
    fi
    if [ -d "$hicolor" ]; then
        # A newer folder date makes GTK rescan the theme; a cache file, if one exists here, must be rebuilt or
        # it hides the new icons. Creating a cache where there was none would hide later installs instead.
        touch "$hicolor"
        if [ -f "$hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
            gtk-update-icon-cache -q -t -f "$hicolor" 2>/dev/null || true
        fi
    fi
}

installed_icons() {
    # Every icon this script installs: one per size folder of resources/icons/hicolor.
    for source in "$resources"/icons/hicolor/*/apps/"$APP_ID".*; do
        [ -e "$source" ] || continue
        size=$(basename "$(dirname "$(dirname "$source")")")
        printf '%s\t%s\n' "$source" "$hicolor/$size/apps/$(basename "$source")"
    done
}

if [ "$action" = uninstall ]; then
    rm -f "$applications/$APP_ID.desktop" "$metainfo/$APP_ID.metainfo.xml"
    installed_icons | while IFS="$(printf '\t')" read -r _source target; do
        rm -f "$target"
    done
    refresh_caches
    echo "Facteur's menu entry, icons and metainfo are removed from $data_home."
    exit 0
fi

if [ -n "$program" ]; then
    module_args=""  # a program given by hand takes no extra arguments
else
    program=$default_program
fi
[ -n "${program%%/*}" ] && fail "--exec needs an absolute path, not $program"
[ -x "$program" ] || fail "$program is not an executable program (from a checkout, run 'make setup' first)"
case "$program" in
    *%*) echo "install.sh: warning: GNOME's launcher cannot start a program whose path holds '%'" \
              "($program); move Facteur to another folder if it does not appear in the menu." >&2 ;;
esac

# Exec= quoting from the Desktop Entry spec: an argument holding a reserved character goes in double quotes,
# inside which " ` $ \ take a backslash; a literal % is written %%. Then the whole value, being a desktop
# "string", doubles every backslash once more.
quote_arg() {
    escaped=$(printf '%s' "$1" | sed -e 's/%/%%/g')
    case "$escaped" in
        *[[:space:]\"\'\\\>\<~\|\&\;\$\*\?\#\(\)\`]*)
            printf '"%s"' "$(printf '%s' "$escaped" | sed -e 's/[\\"`$]/\\&/g')" ;;
        *) printf '%s' "$escaped" ;;
    esac
}
exec_value=$(printf '%s%s' "$(quote_arg "$program")" "$module_args" | sed -e 's/\\/\\\\/g')
tryexec_value=$(printf '%s' "$program" | sed -e 's/\\/\\\\/g')

mkdir -p "$applications" "$metainfo"
target="$applications/$APP_ID.desktop"
# The template says `facteur`; each Exec/TryExec line gets the real program, keeping its arguments (%u, mailto:).
EXEC_VALUE=$exec_value TRYEXEC_VALUE=$tryexec_value awk '
    /^Exec=facteur( |$)/ { sub(/^Exec=facteur/, ""); print "Exec=" ENVIRON["EXEC_VALUE"] $0; next }
    /^TryExec=facteur$/ { print "TryExec=" ENVIRON["TRYEXEC_VALUE"]; next }
    { print }
' "$resources/linux/$APP_ID.desktop" >"$target.tmp"
chmod 644 "$target.tmp"
mv "$target.tmp" "$target"

cp "$resources/linux/$APP_ID.metainfo.xml" "$metainfo/$APP_ID.metainfo.xml"
chmod 644 "$metainfo/$APP_ID.metainfo.xml"
installed_icons | while IFS="$(printf '\t')" read -r source icon_target; do
    mkdir -p "$(dirname "$icon_target")"
    cp "$source" "$icon_target"
    chmod 644 "$icon_target"
done

refresh_caches
echo "Facteur is in the menu: $target starts $program$module_args."
