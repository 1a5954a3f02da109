(ns mmap.cli-test
  "bin/clojure, the stand-in for the Clojure CLI: it finds a JDK 22+ by itself, and says
  clearly when there is none."
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [mmap.test-support :as ts]))

(set! *warn-on-reflection* true)

(def ^:private old-jdk (first (filter #(.exists (io/file % "bin/java"))
                                      ["/usr/lib/jvm/java-17-openjdk-amd64" "/usr/lib/jvm/java-17-openjdk-arm64"])))

(deftest finds-a-jdk-22-even-when-java-home-is-older
  (let [env (cond-> {"PATH" (System/getenv "PATH") "HOME" (System/getenv "HOME")}
              old-jdk (assoc "JAVA_HOME" old-jdk))
        {:keys [exit out err]} (sh/sh "bin/clojure" "-M" "-e" "(print (System/getProperty \"java.specification.version\"))"
                                      :env env)]
    (is (zero? exit) err)
    (is (>= (parse-long (str/trim out)) 22) out)))

(deftest stops-with-a-clear-message-without-a-jdk-22
  (if-not old-jdk
    (ts/skip! "no JDK 17 here to stand in for a too-old java")
    (let [dir (ts/temp-dir)
          script (io/file dir "clojure")]
      ;; The same scripts, looking for JDKs in an empty folder, with only JDK 17 on the PATH.
      (spit script (slurp "bin/clojure"))
      (spit (io/file dir "find-java.sh") (str/replace (slurp "bin/find-java.sh") "/usr/lib/jvm/*/" (str dir "/none/*/")))
      (.setExecutable script true)
      (let [{:keys [exit err]} (sh/sh (str script) "-Spath"
                                      :env {"PATH" (str old-jdk "/bin:/usr/bin:/bin") "HOME" (System/getenv "HOME")})]
        (is (= 1 exit))
        (is (str/includes? err "needs a JDK 22 or newer") err)
        (is (str/includes? err (str old-jdk "/bin/java (version 17)")) err)))))

;; ---- a deps.edn dependency on this repository --------------------------------------------

(defn- snapshot-repo!
  "A git repository in `dir` holding this working tree as one commit (so that uncommitted
  work is what gets tested); returns its commit."
  [^java.io.File dir]
  (let [files (str/split-lines (:out (sh/sh "git" "ls-files" "-co" "--exclude-standard")))]
    (doseq [f files :let [src (io/file f)] :when (.isFile src)]
      (let [dst (io/file dir f)]
        (io/make-parents dst)
        (io/copy src dst)
        (when (.canExecute src) (.setExecutable dst true))))
    (let [git (fn [& args] (let [r (apply sh/sh "git" "-c" "user.name=test" "-c" "user.email=test@localhost"
                                          (concat args [:dir (str dir)]))]
                             (when-not (zero? (:exit r)) (throw (ex-info (str "git " args ": " (:err r)) r)))
                             (str/trim (:out r))))]
      (git "init" "-q")
      (git "add" "-A")
      (git "commit" "-q" "-m" "snapshot")
      (git "rev-parse" "HEAD"))))

(defn- consumer!
  "A project in a new folder under `dir` that depends on mmap through `coord` and has a
  script that maps a file and runs m/re-seq; returns the folder."
  [dir coord]
  (let [app (io/file dir (str "app-" (System/nanoTime)))]
    (.mkdirs app)
    (spit (io/file app "deps.edn")
          (pr-str {:deps {'io.github.mmap/mmap coord}
                   :aliases {:run {:jvm-opts ["--enable-native-access=ALL-UNNAMED"]}}}))
    (spit (io/file app "data.txt") "alpha beta\ngamma alpha\n")
    (spit (io/file app "script.clj")
          (str "(require '[mmap.core :as m])\n"
               "(with-open [mp (m/map-file \"data.txt\")]\n"
               "  (prn (vec (m/re-seq #\"al\\w+\" mp))))\n"))
    app))

(deftest a-consumer-project-can-depend-on-this-repository
  (if-not (ts/sh-ok? "git" "--version")
    (ts/skip! "git is not installed")
    (let [dir (ts/temp-dir)
          repo (io/file dir "mmap")
          _ (.mkdirs repo)
          sha (snapshot-repo! repo)
          clojure (.getAbsolutePath (io/file "bin/clojure"))
          env {"PATH" (System/getenv "PATH") "HOME" (System/getenv "HOME")
               ;; git deps are cloned here, not into the user's ~/.gitlibs
               "GITLIBS" (str (io/file dir "gitlibs"))}
          run (fn [app & args] (apply sh/sh clojure (concat args [:dir (str app) :env env])))]
      ;; The two run side by side (each spends most of its time compiling src/java); the
      ;; assertions are made here, on this thread.
      (let [results (doall
                      (for [[kind coord] [[:local/root {:local/root (str repo)}]
                                          [:git/url {:git/url (str "file://" repo) :git/sha sha}]]]
                        [kind (future
                                (let [app (consumer! dir coord)]
                                  {:before (when (= kind :local/root) (run app "-M:run" "script.clj"))
                                   :prep (run app "-X:deps" "prep")
                                   :after (run app "-M:run" "script.clj")}))]))]
        (doseq [[kind f] results
                :let [{:keys [before prep after]} @f]]
          (testing (str kind)
            (when before
              (testing "before prep, tools.deps says the lib must be prepared, as the official CLI does"
                (is (not (zero? (:exit before))))
                (is (str/includes? (:err before) "must be prepared") (:err before))))
            (is (zero? (:exit prep)) (str (:out prep) (:err prep)))
            (is (zero? (:exit after)) (:err after))
            (is (= "[\"alpha\" \"alpha\"]\n" (:out after)) (:err after))))))))
