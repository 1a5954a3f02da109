(ns mmap.cli-test
  "bin/clojure, the stand-in for the Clojure CLI: it finds a JDK 22+ by itself, and says
  clearly when there is none."
  (:require [clojure.java.io :as io]
            [clojure.java.shell :as sh]
            [clojure.string :as str]
            [clojure.test :refer [deftest is]]
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
      ;; The same script, looking for JDKs in an empty folder, with only JDK 17 on the PATH.
      (spit script (str/replace (slurp "bin/clojure") "/usr/lib/jvm/*/" (str dir "/none/*/")))
      (.setExecutable script true)
      (let [{:keys [exit err]} (sh/sh (str script) "-Spath"
                                      :env {"PATH" (str old-jdk "/bin:/usr/bin:/bin") "HOME" (System/getenv "HOME")})]
        (is (= 1 exit))
        (is (str/includes? err "needs a JDK 22 or newer") err)
        (is (str/includes? err (str old-jdk "/bin/java (version 17)")) err)))))
