package mmap.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Which files a search covers: directory walks and {@code --include}/{@code --exclude} globs,
 * chosen as GNU grep chooses them. Shared by the grep command and {@code mmap.core/grep}.
 *
 * <p>Public for those two only; no compatibility promise.
 */
public final class FileWalk {
    private static final LinkOption[] FOLLOW = {};
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /**
     * An {@code --include} (when {@code include}) or {@code --exclude} glob, compiled.
     * @param include true to include matching paths, false to exclude them
     * @param regex the glob translated to a regular expression
     */
    public record Glob(boolean include, Pattern regex) {
        /**
         * Compiles a GNU grep glob ({@code *}, {@code ?}, {@code [...]}, backslash escapes).
         * @param include true for {@code --include}, false for {@code --exclude}
         * @param glob the glob as typed
         * @return the compiled glob
         */
        public static Glob of(boolean include, String glob) {
            return new Glob(include, Pattern.compile(globRegex(glob), Pattern.DOTALL));
        }
    }

    private FileWalk() {}

    /** fnmatch(3) wildcards as a regex: {@code * ? [...]} (with ! or ^ to negate) and \ escapes. */
    static String globRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> { sb.append(".*"); i++; }
                case '?' -> { sb.append('.'); i++; }
                case '\\' -> {
                    if (i + 1 < glob.length()) sb.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
                    i += 2;
                }
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) { sb.append("\\["); i++; break; }
                    String body = glob.substring(i + 1, close);
                    if (body.startsWith("!") || body.startsWith("^")) body = "^" + body.substring(1);
                    sb.append('[').append(body.replace("\\", "\\\\")).append(']');
                    i = close + 1;
                }
                default -> { sb.append(Pattern.quote(String.valueOf(c))); i++; }
            }
        }
        return sb.toString();
    }

    /**
     * GNU's rule: the last glob that matches decides; with none matching, a file is included
     * unless the first glob is an {@code --include}. Files met in recursion are matched by
     * their base name, files named on the command line by any trailing part of their path
     * that starts after a slash.
     * @param globs include and exclude globs, the last that matches decides
     * @param path the file
     * @param commandLine whether the path was named on the command line (those are always included)
     * @return whether the path is searched
     */
    public static boolean included(List<Glob> globs, String path, boolean commandLine) {
        if (globs.isEmpty()) return true;
        List<String> names = commandLine ? nameSuffixes(path) : List.of(new File(path).getName());
        Boolean decision = null;
        for (Glob g : globs) {
            for (String n : names) {
                if (g.regex.matcher(n).matches()) { decision = g.include; break; }
            }
        }
        return decision != null ? decision : !globs.get(0).include;
    }

    private static List<String> nameSuffixes(String path) {
        List<String> names = new ArrayList<>();
        names.add(path);
        for (int i = 0; i + 1 < path.length(); i++) {
            if (path.charAt(i) == '/' && path.charAt(i + 1) != '/') names.add(path.substring(i + 1));
        }
        return names;
    }

    /**
     * {@return the regular files under {@code dir}, in sorted path order: the entries of each directory
     * in order of their names, a directory's files where its name falls (as {@code rg --sort
     * path} orders them)} Symbolic links met on the way are followed when {@code follow},
     * else skipped; devices, FIFOs and sockets met on the way are skipped, as GNU grep
     * {@code -r}/{@code -R} do. A directory reached again below itself through a link is not
     * entered again (GNU grep reports a loop there). Unreadable directories are skipped.
     * @param dir the directory to walk
     * @param follow whether to follow symbolic links
     * @param globs include and exclude globs, the last that matches decides
     */
    public static List<String> walk(String dir, boolean follow, List<Glob> globs) {
        List<String> found = new ArrayList<>();
        walk(dir, follow, globs, found::add);
        return found;
    }

    /**
     * As {@link #walk(String, boolean, List)}, giving each file to {@code found} as it is met.
     * @param dir the directory to walk
     * @param follow whether to follow symbolic links
     * @param globs include and exclude globs, the last that matches decides
     * @param found receives each file found
     */
    public static void walk(String dir, boolean follow, List<Glob> globs, Consumer<String> found) {
        walk(dir, follow, globs, found, p -> { });
    }

    /**
     * As {@link #walk(String, boolean, List, Consumer)}, giving {@code broken} each symbolic
     * link that is followed and leads nowhere (its target missing, or a loop of links), where
     * its name falls among the files: GNU grep {@code -R} reports those as errors.
     * @param dir the directory to walk
     * @param follow whether to follow symbolic links
     * @param globs include and exclude globs, the last that matches decides
     * @param found receives each file found
     * @param broken receives each followed link whose target cannot be reached
     */
    public static void walk(String dir, boolean follow, List<Glob> globs, Consumer<String> found, Consumer<String> broken) {
        Set<Object> ancestors = new HashSet<>();
        Object key = fileKey(Path.of(dir), FOLLOW);
        if (key != null) ancestors.add(key);
        walk(dir, follow, globs, ancestors, found, broken);
    }

    private static void walk(String dir, boolean follow, List<Glob> globs, Set<Object> ancestors, Consumer<String> found,
                             Consumer<String> broken) {
        String[] names = new File(dir).list();
        if (names == null) return;
        Arrays.sort(names);
        for (String name : names) {
            String p = dir.endsWith("/") ? dir + name : dir + "/" + name;
            Path path = Path.of(p);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(path, BasicFileAttributes.class, follow ? FOLLOW : NO_FOLLOW);
            } catch (IOException | RuntimeException e) {
                if (follow && Files.isSymbolicLink(path) && included(globs, name, false)) broken.accept(p);
                continue;
            }
            if (!follow && attrs.isSymbolicLink()) continue;
            if (attrs.isDirectory()) {
                // Only a followed link can lead back to a directory above: no record kept without -R.
                Object key = follow ? attrs.fileKey() : null;
                if (key != null && !ancestors.add(key)) continue;
                walk(p, follow, globs, ancestors, found, broken);
                if (key != null) ancestors.remove(key);
            } else if (attrs.isRegularFile() && included(globs, name, false)) {
                found.accept(p);
            }
        }
    }

    private static Object fileKey(Path p, LinkOption[] opts) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, opts).fileKey();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
