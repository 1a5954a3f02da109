(ns mmap.grep-test
  "The grep command's output and exit status equal GNU grep's (-P, or -F for fixed strings)."
  (:require [clojure.java.shell :as sh]
            [clojure.test :refer [deftest is testing]]
            [mmap.grep :as grep]
            [mmap.test-support :as ts])
  (:import (java.io ByteArrayOutputStream)))

(set! *warn-on-reflection* true)

(defn- ours [args]
  (let [out (ByteArrayOutputStream.)
        err (java.io.StringWriter.)
        status (binding [*err* err] (grep/run args out))]
    {:exit status :out (String. (.toByteArray out) "UTF-8")}))

(defn- gnu [mode args]
  (let [{:keys [exit out]} (apply sh/sh "grep" mode (concat args [:env {"LC_ALL" "C.UTF-8" "PATH" (System/getenv "PATH")}]))]
    {:exit exit :out out}))

(deftest same-as-gnu-grep
  (if-not (ts/sh-ok? "grep" "-P" "x" "/dev/null" "--version")
    (ts/skip! "GNU grep with -P is not installed")
    (let [a (str (ts/temp-file (str "hello world\nfoo bar\n<a> <bb>\nhello again\n\n"
                                    "é café naïve <ü>\n2024-01-02 ERROR disk full\nlast line, no newline")))
          b (str (ts/temp-file "another hello\nZQ_NEEDLE_17 here\n<tag>x</tag>\n"))
          missing (str a ".missing")]
      (doseq [args [["hello" a] ["-c" "hello" a] ["-o" "-b" "<[^>]*>" a] ["-n" "-b" "hello" a]
                    ["-i" "HELLO" a] ["-m" "1" "hello" a] ["-m1" "-c" "o" a] ["zzz" a] ["-o" "o" a b]
                    ["-c" "o" a b] ["-on" "caf." a] ["-ob" "\\w+" a] ["^$" a] ["-c" "^" a] ["-o" "x*" a]
                    ["-n" "ZQ_NEEDLE_\\d+" a b] ["-o" "<(.*?)>" a b] ["\\d{4}-\\d\\d" a] ["-c" "line$" a]
                    ["-nbo" "(?<=<)\\w+" a b] ["hello" missing] ["hello" a missing] ["-i" "É" a]]]
        (testing (pr-str args)
          (is (= (gnu "-P" args) (ours args)))))
      (testing "fixed strings, against grep -F"
        (doseq [args [["-F" "<a>" a] ["-F" "-c" "." a] ["-F" "-o" "a." a b]]]
          (is (= (gnu "-F" (remove #{"-F"} args)) (ours args)) (pr-str args)))))))

(deftest usage-errors-exit-2
  (is (= 2 (:exit (ours []))))
  (is (= 2 (:exit (ours ["-Q" "x" "f"]))))
  (is (= 2 (:exit (ours ["(" "deps.edn"])))))
