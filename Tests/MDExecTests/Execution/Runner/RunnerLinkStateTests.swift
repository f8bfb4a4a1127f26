import Testing

@testable import MDExec

@Suite("The runner protocol as a state machine")
struct RunnerLinkStateTests {
    typealias Action = RunnerLinkState.Action
    let one = "\u{1E}mdx-one-"
    let two = "\u{1E}mdx-two-"
    let three = "\u{1E}mdx-three-"

    func request(_ token: String) -> RunnerLinkState.Request {
        RunnerLinkState.Request(token: token, bytes: Array("request \(token)\n".utf8), answerLimit: .seconds(32))
    }

    func deliver(_ token: String, _ channel: OutputChannel, _ text: String) -> Action {
        .deliver(token: token, channel, Array(text.utf8))
    }

    /// A machine whose job `token` has started as process group `pid`.
    func started(_ token: String, pid: Int32 = 42) -> RunnerLinkState {
        var machine = RunnerLinkState()
        _ = machine.submit(request(token))
        _ = machine.feed(.stdout, "\(token)S\(pid)\n")
        return machine
    }

    /// The output delivered to `token` on each stream, and every other action, in order.
    func outputs(_ actions: [Action], of token: String) -> (stdout: String, stderr: String, others: [Action]) {
        var streams: [OutputChannel: [UInt8]] = [:]
        var others: [Action] = []
        for action in actions {
            if case .deliver(token, let channel, let bytes) = action {
                streams[channel, default: []] += bytes
            } else {
                others.append(action)
            }
        }
        let text = { (channel: OutputChannel) in String(decoding: streams[channel] ?? [], as: UTF8.self) }
        return (text(.stdout), text(.stderr), others)
    }

    @Test("a job starts at once when idle: its request is sent")
    func submitWhenIdle() {
        var machine = RunnerLinkState()
        #expect(machine.submit(request(one)) == [.send(request(one))])
    }

    @Test("markers cut at every byte boundary of either stream give the same job")
    func everySplit() {
        let stdout = Array("\(one)S42\nout \u{1E}mdx put\n\(one)E3\n".utf8)
        let stderr = Array("err \u{1E}\n\(one)E\n".utf8)
        for outCut in 0...stdout.count {
            for errCut in 0...stderr.count {
                var machine = RunnerLinkState()
                var actions = machine.submit(request(one))
                actions += machine.receive(.stdout, Array(stdout[..<outCut]))
                actions += machine.receive(.stderr, Array(stderr[..<errCut]))
                actions += machine.receive(.stdout, Array(stdout[outCut...]))
                actions += machine.receive(.stderr, Array(stderr[errCut...]))
                let result = outputs(actions, of: one)
                #expect(result.stdout == "out \u{1E}mdx put\n", "cuts \(outCut), \(errCut)")
                #expect(result.stderr == "err \u{1E}\n", "cuts \(outCut), \(errCut)")
                #expect(result.others == [.send(request(one)), .succeed(token: one, .init(exitCode: 3))])
                #expect(machine.processGroups == [42])
            }
        }
    }

    @Test("byte-by-byte delivery of both streams, interleaved")
    func byteByByte() {
        let stdout = Array("a\(one)S7\nb\(one)E0\n".utf8)
        let stderr = Array("c\(one)E\n".utf8)
        var machine = RunnerLinkState()
        var actions = machine.submit(request(one))
        for index in 0..<max(stdout.count, stderr.count) {
            if index < stdout.count { actions += machine.receive(.stdout, [stdout[index]]) }
            if index < stderr.count { actions += machine.receive(.stderr, [stderr[index]]) }
        }
        let result = outputs(actions, of: one)
        #expect(result.stdout == "ab" && result.stderr == "c")
        #expect(result.others == [.send(request(one)), .succeed(token: one, .init(exitCode: 0))])
    }

    @Test("a marker with another token is the block's output")
    func forgedMarker() {
        var machine = started(one)
        #expect(machine.feed(.stdout, "\(two)E0\n") == [deliver(one, .stdout, "\(two)E0\n")])
        #expect(machine.feed(.stderr, "\(two)E\n") == [deliver(one, .stderr, "\(two)E\n")])
        #expect(machine.feed(.stdout, "\(one)Ebad\n") == [])
        #expect(machine.feed(.stderr, "\(one)E\n") == [.succeed(token: one, .init(exitCode: 255))])
    }

    @Test("E on stdout, then E on stderr: the job completes on the second; later bytes are leftover")
    func stdoutEndsFirst() {
        var machine = started(one)
        #expect(machine.feed(.stdout, "done\n\(one)E0\n") == [deliver(one, .stdout, "done\n")])
        #expect(machine.feed(.stderr, "last\n") == [deliver(one, .stderr, "last\n")])
        #expect(machine.feed(.stderr, "\(one)E\nnext err") == [.succeed(token: one, .init(exitCode: 0))])
        #expect(machine.submit(request(two)) == [deliver(two, .stderr, "next err"), .send(request(two))])
    }

    @Test("E on stderr, then E on stdout: the job completes on the second; held-back bytes are leftover")
    func stderrEndsFirst() {
        var machine = started(one)
        #expect(machine.feed(.stderr, "oops\n\(one)E\n\u{1E}md") == [deliver(one, .stderr, "oops\n")])
        #expect(
            machine.feed(.stdout, "out\n\(one)E5\ntail") == [
                deliver(one, .stdout, "out\n"), .succeed(token: one, .init(exitCode: 5)),
            ])
        #expect(
            machine.submit(request(two)) == [
                deliver(two, .stdout, "tail"), deliver(two, .stderr, "\u{1E}md"), .send(request(two)),
            ])
    }

    @Test("output between jobs goes to the next job, stdout first, each stream in order")
    func leftover() {
        var machine = started(one)
        _ = machine.feed(.stdout, "\(one)E0\n")
        _ = machine.feed(.stderr, "\(one)E\n")
        #expect(machine.feed(.stdout, "bg 1\n") == [])
        #expect(machine.feed(.stderr, "bg err\n") == [])
        #expect(machine.feed(.stdout, "bg 2\n") == [])
        #expect(
            machine.submit(request(two)) == [
                deliver(two, .stdout, "bg 1\nbg 2\n"), deliver(two, .stderr, "bg err\n"), .send(request(two)),
            ])
        #expect(machine.feed(.stdout, "own\n") == [deliver(two, .stdout, "own\n")])
    }

    @Test("leftover is kept up to its limit per stream")
    func leftoverLimit() {
        var machine = RunnerLinkState()
        let limit = RunnerLinkState.Leftover.limit
        #expect(machine.receive(.stdout, [UInt8](repeating: 65, count: limit - 1)) == [])
        #expect(machine.receive(.stdout, [66, 67, 68]) == [])
        let actions = machine.submit(request(one))
        #expect(actions.count == 2)
        #expect(actions.last == .send(request(one)))
        guard case .deliver(one, .stdout, let bytes)? = actions.first else {
            Issue.record("no leftover delivered: \(actions.prefix(1))")
            return
        }
        #expect(bytes.count == limit && bytes.suffix(2) == [65, 66])
    }

    @Test("cancelled before its S marker, the block is killed when its pid arrives")
    func cancelBeforeStart() {
        var machine = RunnerLinkState()
        _ = machine.submit(request(one))
        #expect(machine.cancel(token: one) == [])
        #expect(machine.feed(.stdout, "\(one)S42\n") == [.kill(pid: 42)])
        #expect(machine.processGroups == [42])
        #expect(machine.feed(.stdout, "\(one)E137\n") == [])
        #expect(machine.feed(.stderr, "\(one)E\n") == [.succeed(token: one, .init(exitCode: 137))])
    }

    @Test("cancelled in the middle of its S marker, at every cut")
    func cancelMidMarker() {
        let marker = Array("\(one)S42\n".utf8)
        for cut in 1..<marker.count {
            var machine = RunnerLinkState()
            _ = machine.submit(request(one))
            let early = machine.receive(.stdout, Array("early\n".utf8) + marker[..<cut])
            #expect(early == [deliver(one, .stdout, "early\n")])
            #expect(machine.cancel(token: one) == [])
            #expect(machine.receive(.stdout, Array(marker[cut...])) == [.kill(pid: 42)], "cut \(cut)")
        }
    }

    @Test("cancelled once started, the block is killed at once; after its exit, not at all")
    func cancelStarted() {
        var machine = started(one, pid: 9)
        #expect(machine.cancel(token: one) == [.kill(pid: 9)])
        _ = machine.feed(.stdout, "\(one)E137\n")
        #expect(machine.cancel(token: one) == [])
        #expect(machine.cancel(token: two) == [])
    }

    @Test("a caller cancelled before it submits has its block killed when it starts")
    func cancelledSubmit() {
        var machine = RunnerLinkState()
        #expect(machine.submit(request(one), cancelled: true) == [.send(request(one))])
        #expect(machine.feed(.stdout, "\(one)S5\n") == [.kill(pid: 5)])
    }

    @Test("jobs submitted while one runs wait their turn in order; a cancelled one is killed when it starts")
    func queue() {
        var machine = started(one)
        #expect(machine.submit(request(two)) == [])
        #expect(machine.submit(request(three)) == [])
        #expect(machine.cancel(token: three) == [])
        _ = machine.feed(.stdout, "\(one)E0\n")
        #expect(
            machine.feed(.stderr, "\(one)E\nbg") == [
                .succeed(token: one, .init(exitCode: 0)), deliver(two, .stderr, "bg"), .send(request(two)),
            ])
        _ = machine.feed(.stdout, "\(two)S6\n\(two)E1\n")
        #expect(
            machine.feed(.stderr, "\(two)E\n") == [.succeed(token: two, .init(exitCode: 1)), .send(request(three))])
        #expect(machine.feed(.stdout, "\(three)S7\n") == [.kill(pid: 7)])
        #expect(machine.processGroups == [42, 6, 7])
    }

    @Test("the transport dying mid-job fails it and the queue with the reason, and every later job at once")
    func transportDies() {
        var machine = started(one)
        _ = machine.submit(request(two))
        _ = machine.feed(.stdout, "partial \(one)")
        #expect(
            machine.transportEnded(reason: "gone") == [
                .fail(token: one, reason: "gone"), .fail(token: two, reason: "gone"),
            ])
        #expect(machine.feed(.stdout, "E0\n") == [])
        #expect(machine.feed(.stderr, "\(one)E\n") == [])
        #expect(machine.submit(request(three)) == [.fail(token: three, reason: "gone")])
        #expect(machine.transportEnded(reason: "again") == [])
        #expect(machine.submit(request(three)) == [.fail(token: three, reason: "gone")])
        #expect(machine.processGroups == [42])
    }

    @Test("the transport ending while idle fails the next job")
    func transportEndsIdle() {
        var machine = RunnerLinkState()
        #expect(machine.transportEnded(reason: "closed") == [])
        #expect(machine.submit(request(one)) == [.fail(token: one, reason: "closed")])
    }

    @Test("the watchdog gives the link up as hung, for the running job only")
    func watchdog() {
        var machine = started(one)
        _ = machine.submit(request(two))
        #expect(machine.expire(token: two) == [])
        let reason =
            "The container's runner did not answer for 32.0 seconds: "
            + "the engine or the container is not responding."
        #expect(machine.expire(token: one) == [.fail(token: one, reason: reason), .fail(token: two, reason: reason)])
        #expect(machine.submit(request(three)) == [.fail(token: three, reason: reason)])
        #expect(machine.transportEnded(reason: "closed") == [])
        #expect(machine.submit(request(three)) == [.fail(token: three, reason: reason)])
    }

    @Test("a watchdog that goes off after its job ended changes nothing")
    func lateWatchdog() {
        var machine = started(one)
        _ = machine.feed(.stdout, "\(one)E0\n")
        _ = machine.feed(.stderr, "\(one)E\n")
        #expect(machine.expire(token: one) == [])
        #expect(machine.submit(request(two)) == [.send(request(two))])
    }

    /// A machine running the session block `token` (host-kept timeout of `seconds`).
    func sessionRequest(_ token: String, seconds: Int = 5) -> RunnerLinkState.Request {
        var request = request(token)
        request.sessionTimeout = seconds
        return request
    }

    @Test("a session block: its start marker starts the host's clock; R and F are read")
    func sessionStart() {
        var machine = RunnerLinkState()
        _ = machine.submit(sessionRequest(one))
        #expect(machine.feed(.stdout, "\(one)S77 R\n") == [.startClock(token: one, seconds: 5)])
        var actions = machine.feed(.stdout, "\(one)E0\n")
        actions += machine.feed(.stderr, "\(one)E\n")
        #expect(actions == [.succeed(token: one, .init(exitCode: 0, sessionRestarted: true))])
        #expect(machine.processGroups == [77])

        // F: no session could start; the block ran fresh, under the runner's own timeout.
        _ = machine.submit(sessionRequest(two))
        #expect(machine.feed(.stdout, "\(two)S78 F\n") == [])
        actions = machine.feed(.stdout, "\(two)E124\n") + machine.feed(.stderr, "\(two)E\n")
        #expect(actions == [.succeed(token: two, .init(exitCode: 124, ranFresh: true))])
    }

    @Test("at the session block's timeout: SIGINT to its group, then SIGKILL after the grace; timed out")
    func sessionTimeout() {
        var machine = RunnerLinkState()
        _ = machine.submit(sessionRequest(one))
        _ = machine.feed(.stdout, "\(one)S9\n")
        #expect(machine.timeUp(token: one) == [.interrupt(pid: 9), .startGrace(token: one)])
        #expect(machine.graceOver(token: one) == [.kill(pid: 9)])
        #expect(machine.timeUp(token: two) == [], "another token's clock does nothing")
        let actions = machine.feed(.stdout, "\(one)E137\n") + machine.feed(.stderr, "\(one)E\n")
        #expect(actions == [.succeed(token: one, .init(exitCode: 137, timedOut: true))])
        #expect(machine.graceOver(token: one) == [], "a finished job's late clock does nothing")
    }
}

extension RunnerLinkState {
    fileprivate mutating func feed(_ channel: OutputChannel, _ text: String) -> [Action] {
        receive(channel, Array(text.utf8))
    }
}
